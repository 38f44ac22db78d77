import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { guestScopes, startEmulator, type Emulator } from './index';
import { guestTokenQuery, loginAs, loginMutation, postGraphql } from './testing/post-graphql';

const refreshQuery =
  'query Refresh($refreshToken: String) { tokens(refreshToken: $refreshToken) { accessToken refreshToken role { name } member { id } } }';
const logoutMutation =
  'mutation Logout($sessionId: String!) { logoutNetwork(input: { sessionId: $sessionId }) { status } }';

describe('the implemented fields', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      members: [
        {
          id: '9FWKl7Y1rB',
          username: 'bettermodeuser',
          email: 'bettermodeuser@example.com',
          password: 'bettermodepassword',
          name: 'John Smith',
          role: 'admin',
        },
        {
          username: 'ada',
          email: 'ada@example.com',
          password: 'analytical-engine',
          name: 'Ada Lovelace',
          role: 'member',
        },
        {
          username: 'locked',
          email: 'locked@example.com',
          password: 'right-password',
          name: 'Locked Out',
          role: 'member',
        },
      ],
    });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  describe('tokens', () => {
    test('a guest token for the network by domain (any case) or id, with exactly the guest scopes', async () => {
      const byDomain = await postGraphql(emulator.url, guestTokenQuery, {
        variables: { domain: 'Community.Bettermode.io' },
      });
      const token = byDomain.body.data?.tokens;
      expect(token.role).toEqual({ name: 'Guest', scopes: [...guestScopes] });
      const claims = decodeJwt(token.accessToken);
      expect(token.member.id).toBe(claims.id);
      expect(token.member.id).toMatch(new RegExp(`^GUEST_${claims.networkId as string}\\w{5}$`));
      const byId = await postGraphql(emulator.url, 'query($id: ID) { tokens(networkId: $id) { role { name } } }', {
        variables: { id: claims.networkId },
      });
      expect(byId.body.data?.tokens.role.name).toBe('Guest');
    });

    test('an unknown network is a clear error', async () => {
      const answer = await postGraphql(emulator.url, guestTokenQuery, { variables: { domain: 'nowhere.example.com' } });
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'Network not found',
        extensions: { code: 'NETWORK_NOT_FOUND' },
      });
    });

    test('no argument at all is a clear error', async () => {
      const answer = await postGraphql(emulator.url, '{ tokens { accessToken } }');
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'tokens needs networkDomain, networkId or refreshToken',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    test('a refresh token gives a new member token and a rotated refresh token', async () => {
      const { login } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const first = login.body.data!.loginNetwork;
      const refreshed = await postGraphql(emulator.url, refreshQuery, {
        variables: { refreshToken: first.refreshToken },
      });
      const next = refreshed.body.data?.tokens;
      expect(next.role.name).toBe('Member');
      expect(next.member.id).toBe(first.member.id);
      expect(next.refreshToken).not.toBe(first.refreshToken);
      expect(next.accessToken).not.toBe(first.accessToken);
      const me = await postGraphql(emulator.url, '{ authMember { username } }', { token: next.accessToken });
      expect(me.body.data?.authMember.username).toBe('ada');
    });

    test('an unknown refresh token answers Unauthorized', async () => {
      const answer = await postGraphql(emulator.url, refreshQuery, {
        variables: { refreshToken: 'not-a-refresh-token' },
      });
      expect(answer.body.errors?.[0]).toMatchObject({ message: 'Unauthorized', extensions: { code: '108' } });
    });
  });

  describe('loginNetwork', () => {
    test('username or email, in any case, give the member token', async () => {
      for (const usernameOrEmail of ['ADA', 'Ada@Example.com']) {
        const { login } = await loginAs(emulator.url, usernameOrEmail, 'analytical-engine');
        expect(login.body.data?.loginNetwork.member.name).toBe('Ada Lovelace');
        expect(login.body.data?.loginNetwork.role).toEqual({
          name: 'Member',
          scopes: expect.arrayContaining([...guestScopes]),
        });
      }
    });

    test('the deprecated Query field works like the mutation', async () => {
      const guest = await postGraphql(emulator.url, guestTokenQuery, {
        variables: { domain: 'community.bettermode.io' },
      });
      const answer = await postGraphql(
        emulator.url,
        'query { loginNetwork(input: { usernameOrEmail: "ada", password: "analytical-engine" }) { member { name } } }',
        { token: guest.body.data?.tokens.accessToken },
      );
      expect(answer.body.data?.loginNetwork.member.name).toBe('Ada Lovelace');
    });

    test('needs a Bearer token, as the document notes', async () => {
      const answer = await postGraphql(emulator.url, loginMutation, {
        variables: { usernameOrEmail: 'ada', password: 'analytical-engine' },
      });
      expect(answer.body.errors?.[0]?.message).toBe('Unauthorized');
    });

    test('a wrong password and an unknown member get the same answer', async () => {
      const wrongPassword = (await loginAs(emulator.url, 'bettermodeuser', 'not-the-password')).login.body;
      const unknownMember = (await loginAs(emulator.url, 'nobody-here', 'not-the-password')).login.body;
      expect(wrongPassword.errors?.[0]).toEqual({
        message: 'Invalid username, email or password',
        extensions: { code: 'INVALID_CREDENTIALS', status: 400 },
        path: ['loginNetwork'],
        locations: expect.any(Array),
      });
      expect(unknownMember.errors).toEqual(wrongPassword.errors);
    });

    test('after 5 failures within a minute, further attempts are refused, even with the right password', async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { login } = await loginAs(emulator.url, 'locked', 'wrong');
        expect(login.body.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
      }
      const { login } = await loginAs(emulator.url, 'LOCKED', 'right-password');
      expect(login.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^Too many failed login attempts; try again in \d+ seconds$/),
        extensions: { code: 'RATE_LIMITED', status: 429, retryAfterSeconds: expect.any(Number) },
      });
      // Others are not affected.
      const other = await loginAs(emulator.url, 'ada', 'analytical-engine');
      expect(other.login.body.data?.loginNetwork.member.name).toBe('Ada Lovelace');
    });
  });

  describe('logoutNetwork', () => {
    test('revokes the session: its refresh token and access token stop working', async () => {
      const { login } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const { accessToken, refreshToken, member } = login.body.data!.loginNetwork;
      const logout = await postGraphql(emulator.url, logoutMutation, {
        variables: { sessionId: member.activeSession.id },
        token: accessToken,
      });
      expect(logout.body.data).toEqual({ logoutNetwork: { status: 'succeeded' } });
      const refresh = await postGraphql(emulator.url, refreshQuery, { variables: { refreshToken } });
      expect(refresh.body.errors?.[0]?.message).toBe('Unauthorized');
      const me = await postGraphql(emulator.url, '{ authMember { id } }', { token: accessToken });
      expect(me.body.errors?.[0]?.message).toBe('Unauthorized');
    });

    test("another member's session answers like an unknown one", async () => {
      const ada = (await loginAs(emulator.url, 'ada', 'analytical-engine')).login.body.data?.loginNetwork;
      const john = (await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword')).login.body.data?.loginNetwork;
      const answer = await postGraphql(emulator.url, logoutMutation, {
        variables: { sessionId: ada.member.activeSession.id },
        token: john.accessToken,
      });
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'Session not found',
        extensions: { code: 'NOT_FOUND' },
      });
      const stillIn = await postGraphql(emulator.url, '{ authMember { username } }', { token: ada.accessToken });
      expect(stillIn.body.data?.authMember.username).toBe('ada');
    });
  });

  describe('authMember and networkPublicInfo', () => {
    test('authMember is the caller: the member, or the guest', async () => {
      const { guestToken, login } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
      const query = '{ authMember { id name username email status role { name type scopes } } }';
      const member = await postGraphql(emulator.url, query, { token: login.body.data?.loginNetwork.accessToken });
      expect(member.body.data?.authMember).toEqual({
        id: '9FWKl7Y1rB',
        name: 'John Smith',
        username: 'bettermodeuser',
        email: 'bettermodeuser@example.com',
        status: 'VERIFIED',
        role: { name: 'Admin', type: 'admin', scopes: ['*'] },
      });
      const guest = await postGraphql(emulator.url, query, { token: guestToken });
      expect(guest.body.data?.authMember).toMatchObject({
        id: decodeJwt(guestToken).id,
        name: 'Guest',
        role: { name: 'Guest' },
      });
    });

    test('networkPublicInfo answers from the seed', async () => {
      const { guestToken } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const answer = await postGraphql(
        emulator.url,
        '{ networkPublicInfo { name domain visibility membership status } }',
        {
          token: guestToken,
        },
      );
      expect(answer.body.data?.networkPublicInfo).toEqual({
        name: 'Bettermode Community',
        domain: 'community.bettermode.io',
        visibility: 'public',
        membership: 'open',
        status: 'published',
      });
    });
  });

  describe('everything else', () => {
    test('a root field the emulator does not implement is a clear error, not a crash', async () => {
      const { guestToken } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const answer = await postGraphql(emulator.url, '{ network { id } }', { token: guestToken });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'Query.network is not implemented by the emulator',
        extensions: { code: 'NOT_IMPLEMENTED' },
      });
    });

    test('a nested field without a value is a clear error too, and the rest of the answer stays', async () => {
      const { login } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const answer = await postGraphql(emulator.url, '{ authMember { name score } }', {
        token: login.body.data?.loginNetwork.accessToken,
      });
      expect(answer.body.errors?.[0]?.message).toBe('Member.score is not implemented by the emulator');
      expect(answer.body.data?.authMember).toEqual({ name: 'Ada Lovelace', score: null });
    });

    test('a mutation the emulator does not implement is a clear error', async () => {
      const { login } = await loginAs(emulator.url, 'ada', 'analytical-engine');
      const answer = await postGraphql(emulator.url, 'mutation { leaveSpace(spaceId: "s1") { status } }', {
        token: login.body.data?.loginNetwork.accessToken,
      });
      expect(answer.body.errors?.[0]?.message).toBe('Mutation.leaveSpace is not implemented by the emulator');
    });
  });
});

test('an expired refresh token answers Unauthorized', async () => {
  const emulator = await startEmulator({ refreshTokenTtlSeconds: 0.001 });
  try {
    const { login } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
    const answer = await postGraphql(emulator.url, refreshQuery, {
      variables: { refreshToken: login.body.data?.loginNetwork.refreshToken },
    });
    expect(answer.body.errors?.[0]?.message).toBe('Unauthorized');
  } finally {
    await emulator.stop();
  }
});
