import type {
  AuthMemberQuery,
  LoginNetworkMutation,
  LoginNetworkMutationVariables,
  NetworkPublicInfoQuery,
} from '@bettermode-kit/operations';
import { AuthMemberDocument, LoginNetworkDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import type { BettermodeClient, Session } from '@bettermode-kit/client';
import { expectTypeOf, test } from 'vitest';
import { BettermodeProvider, useLogin, useMutation, useQuery, useSession, type LoginState } from './index';

test('useQuery infers data and variables from a typed document', () => {
  const [result] = useQuery({ query: AuthMemberDocument });
  expectTypeOf(result.data).toEqualTypeOf<AuthMemberQuery | undefined>();
  const [network] = useQuery({ query: NetworkPublicInfoDocument, variables: {} });
  expectTypeOf(network.data).toEqualTypeOf<NetworkPublicInfoQuery | undefined>();
  // @ts-expect-error: variables the operation does not declare
  useQuery({ query: AuthMemberDocument, variables: { nope: 1 } });
  // @ts-expect-error: a field the operation does not select
  void result.data?.authMember.password;
});

test('useMutation types its variables', () => {
  const [result, mutate] = useMutation(LoginNetworkDocument);
  expectTypeOf(mutate).parameter(0).toEqualTypeOf<LoginNetworkMutationVariables>();
  expectTypeOf(result.data).toEqualTypeOf<LoginNetworkMutation | undefined>();
});

test('the session hooks and the provider', () => {
  expectTypeOf(useSession()).toEqualTypeOf<Session | null | undefined>();
  expectTypeOf(useLogin()).toEqualTypeOf<LoginState>();
  expectTypeOf(useLogin().login).parameter(0).toEqualTypeOf<{ usernameOrEmail: string; password: string }>();
  // @ts-expect-error: a provider needs a client or a server-held session
  void BettermodeProvider({});
  // @ts-expect-error: not both
  void BettermodeProvider({ client: {} as BettermodeClient, server: { session: null } });
});
