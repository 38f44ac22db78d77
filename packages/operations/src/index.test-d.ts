import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type AuthMemberDocument,
  type LoginNetworkDocument,
  type LogoutNetworkDocument,
  type NetworkPublicInfoDocument,
  type TokensDocument,
  type LoginNetworkMutationVariables,
  type RoleType,
} from './index';

describe('results follow the selection exactly', () => {
  test('loginNetwork', () => {
    type Login = ResultOf<typeof LoginNetworkDocument>['loginNetwork'];
    expectTypeOf<Login['accessToken']>().toEqualTypeOf<string>();
    expectTypeOf<Login['refreshToken']>().toEqualTypeOf<string>();
    expectTypeOf<Login['member']['name']>().toEqualTypeOf<string | null>();
    expectTypeOf<Login['member']['activeSession']>().toEqualTypeOf<{ id: string } | null>();
    expectTypeOf<Login['role']['type']>().toEqualTypeOf<RoleType | null>();
    expectTypeOf<Login['role']['scopes']>().toEqualTypeOf<string[]>();
    // Only what the fragment selects: no email on the login result.
    expectTypeOf<Login['member']>().not.toHaveProperty('email');
  });

  test('tokens shares the AuthTokenFields selection with loginNetwork', () => {
    expectTypeOf<ResultOf<typeof TokensDocument>['tokens']>().toEqualTypeOf<
      ResultOf<typeof LoginNetworkDocument>['loginNetwork']
    >();
  });

  test('authMember, networkPublicInfo and logoutNetwork', () => {
    type Member = ResultOf<typeof AuthMemberDocument>['authMember'];
    expectTypeOf<Member['email']>().toEqualTypeOf<string | null>();
    expectTypeOf<Member['role']>().toEqualTypeOf<{
      id: string;
      name: string;
      type: RoleType | null;
      scopes: string[];
    } | null>();
    type Info = ResultOf<typeof NetworkPublicInfoDocument>['networkPublicInfo'];
    expectTypeOf<Info['visibility']>().toEqualTypeOf<'private' | 'public'>();
    expectTypeOf<ResultOf<typeof LogoutNetworkDocument>['logoutNetwork']['status']>().toEqualTypeOf<
      'failed' | 'succeeded'
    >();
  });
});

describe('variables are typed', () => {
  test('loginNetwork needs both credentials as strings', () => {
    expectTypeOf<VariablesOf<typeof LoginNetworkDocument>>().toEqualTypeOf<LoginNetworkMutationVariables>();
    const ok: VariablesOf<typeof LoginNetworkDocument> = {
      input: { usernameOrEmail: 'bettermodeuser', password: 'secret' },
    };
    expectTypeOf(ok.input.password).toEqualTypeOf<string>();
    // @ts-expect-error a password is a string, not a number
    const wrongType: VariablesOf<typeof LoginNetworkDocument> = { input: { usernameOrEmail: 'u', password: 123 } };
    // @ts-expect-error the password is required
    const missing: VariablesOf<typeof LoginNetworkDocument> = { input: { usernameOrEmail: 'u' } };
    void wrongType;
    void missing;
  });

  test('tokens takes optional networkDomain, networkId and refreshToken', () => {
    const guest: VariablesOf<typeof TokensDocument> = { networkDomain: 'community.bettermode.io' };
    const refresh: VariablesOf<typeof TokensDocument> = { refreshToken: 'r' };
    // @ts-expect-error there is no such variable
    const unknown: VariablesOf<typeof TokensDocument> = { domain: 'community.bettermode.io' };
    void guest;
    void refresh;
    void unknown;
  });

  test('logoutNetwork needs a sessionId', () => {
    // @ts-expect-error sessionId is required
    const missing: VariablesOf<typeof LogoutNetworkDocument> = { input: {} };
    void missing;
  });
});
