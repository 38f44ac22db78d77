import {
  AuthMemberDocument,
  LoginNetworkDocument,
  TokensDocument,
  type AuthMemberQuery,
} from '@bettermode-kit/operations';
import { expectTypeOf, test } from 'vitest';
import { createBettermodeClient, type Session } from './index';

const bm = createBettermodeClient({ networkDomain: 'community.bettermode.io' });

test('query resolves to exactly the selection', () => {
  expectTypeOf(bm.query(AuthMemberDocument, {})).resolves.toEqualTypeOf<AuthMemberQuery>();
  expectTypeOf(bm.query(AuthMemberDocument, {}))
    .resolves.toHaveProperty('authMember')
    .toHaveProperty('name')
    .toEqualTypeOf<string | null>();
  expectTypeOf(bm.login).returns.resolves.toEqualTypeOf<Session>();
});

test('wrong variables do not compile', () => {
  // @ts-expect-error a password is a string
  void bm.mutate(LoginNetworkDocument, { input: { usernameOrEmail: 'u', password: 123 } });
  // @ts-expect-error the input is required
  void bm.mutate(LoginNetworkDocument, {});
  // @ts-expect-error tokens has no such variable
  void bm.query(TokensDocument, { domain: 'community.bettermode.io' });
  // @ts-expect-error login needs a password
  void bm.login({ usernameOrEmail: 'u' });
});
