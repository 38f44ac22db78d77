import { decodeJwt } from 'jose';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { startEmulator, type EmulatorOptions } from './index';
import { guestTokenQuery, loginAs, postGraphql } from './testing/post-graphql';

const refreshQuery =
  'query Refresh($refreshToken: String) { tokens(refreshToken: $refreshToken) { accessToken refreshToken member { id } } }';
const logoutMutation = 'mutation($id: String!) { logoutNetwork(input: { sessionId: $id }) { status } }';

async function withEmulator(
  options: EmulatorOptions,
  run: (url: string, stats: () => Record<string, unknown>) => Promise<void>,
) {
  const emulator = await startEmulator(options);
  try {
    await run(emulator.url, () => emulator.stats() as unknown as Record<string, unknown>);
  } finally {
    await emulator.stop();
  }
}

const refresh = async (url: string, refreshToken: string) =>
  (await postGraphql(url, refreshQuery, { variables: { refreshToken } })).body;

describe('refresh token reuse', () => {
  test('within the grace window a spent token gets the same answer again, and the session lives on', async () => {
    await withEmulator({}, async (url, stats) => {
      const { login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      const first = login.body.data?.loginNetwork.refreshToken as string;
      const answered = await refresh(url, first);
      const replayed = await refresh(url, first);
      expect(replayed.data?.tokens).toEqual(answered.data?.tokens);
      expect(stats()).toMatchObject({ refreshes: 1, reuseGraceAnswers: 1, revokedByReuse: 0, liveSessions: 1 });
      const next = await refresh(url, answered.data?.tokens.refreshToken);
      expect(next.data?.tokens.member.id).toBe('9FWKl7Y1rB');
    });
  });

  test('two holders presenting one token at once both get the same new pair', async () => {
    await withEmulator({}, async (url, stats) => {
      const { login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      const token = login.body.data?.loginNetwork.refreshToken as string;
      const [a, b] = await Promise.all([refresh(url, token), refresh(url, token)]);
      expect(a.data?.tokens.refreshToken).toBe(b.data?.tokens.refreshToken);
      expect(stats()).toMatchObject({ refreshes: 1, reuseGraceAnswers: 1, revokedByReuse: 0 });
    });
  });

  test('with no grace window, reuse revokes the whole session, the rotated token too', async () => {
    await withEmulator({ refreshReuseGraceSeconds: 0 }, async (url, stats) => {
      const { login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      const first = login.body.data?.loginNetwork.refreshToken as string;
      const next = (await refresh(url, first)).data?.tokens;
      await delay(5);
      expect((await refresh(url, first)).errors?.[0]?.message).toBe('Unauthorized');
      expect((await refresh(url, next.refreshToken)).errors?.[0]?.message).toBe('Unauthorized');
      const me = await postGraphql(url, '{ authMember { id } }', { token: next.accessToken });
      expect(me.body.errors?.[0]?.message).toBe('Unauthorized');
      expect(stats()).toMatchObject({ revokedByReuse: 1, liveSessions: 0 });
    });
  });

  test('a token two rotations old revokes the session even within the grace window', async () => {
    await withEmulator({}, async (url, stats) => {
      const { login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      const first = login.body.data?.loginNetwork.refreshToken as string;
      const second = (await refresh(url, first)).data?.tokens.refreshToken as string;
      const third = (await refresh(url, second)).data?.tokens.refreshToken as string;
      expect((await refresh(url, first)).errors?.[0]?.message).toBe('Unauthorized');
      expect((await refresh(url, third)).errors?.[0]?.message).toBe('Unauthorized');
      expect(stats()).toMatchObject({ refreshes: 2, revokedByReuse: 1, liveSessions: 0 });
    });
  });
});

describe('token times', () => {
  test('iat and exp carry milliseconds, and exp is enforced to the millisecond', async () => {
    await withEmulator({ accessTokenTtlSeconds: 0.4 }, async (url) => {
      const guest = await postGraphql(url, guestTokenQuery, { variables: { domain: 'community.bettermode.io' } });
      const token = guest.body.data?.tokens.accessToken as string;
      const { iat, exp } = decodeJwt(token) as { iat: number; exp: number };
      expect(Math.round((exp - iat) * 1000)).toBe(400);
      expect(iat * 1000).toBeGreaterThan(Date.now() - 5000);
      expect((await postGraphql(url, '{ authMember { id } }', { token })).body.data?.authMember.id).toMatch(/^GUEST_/);
      // Past exp, though still within the same whole second on many runs: refused.
      await delay(Math.max(0, exp * 1000 - Date.now()) + 20);
      expect((await postGraphql(url, '{ authMember { id } }', { token })).body.errors?.[0]?.message).toBe(
        'Unauthorized',
      );
    });
  });
});

describe('live sessions and memory', () => {
  test('live sessions count what is held: 1 after login, 0 after logout', async () => {
    await withEmulator({}, async (url, stats) => {
      const { login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      expect(stats()).toMatchObject({ liveSessions: 1, liveGuestSessions: 1 });
      const { accessToken, member } = login.body.data!.loginNetwork;
      await postGraphql(url, logoutMutation, { token: accessToken, variables: { id: member.activeSession.id } });
      expect(stats()).toMatchObject({ liveSessions: 0 });
    });
  });

  test('a flood of guest tokens keeps at most maxGuestSessions, oldest dropped first', async () => {
    await withEmulator({ maxGuestSessions: 20 }, async (url, stats) => {
      const tokens: string[] = [];
      for (let index = 0; index < 60; index += 1) {
        const guest = await postGraphql(url, guestTokenQuery, { variables: { domain: 'community.bettermode.io' } });
        tokens.push(guest.body.data?.tokens.accessToken);
      }
      expect(stats()).toMatchObject({ liveGuestSessions: 20 });
      expect((await postGraphql(url, '{ authMember { id } }', { token: tokens[0] })).body.errors?.[0]?.message).toBe(
        'Unauthorized',
      );
      expect((await postGraphql(url, '{ authMember { id } }', { token: tokens[59] })).body.data?.authMember.id).toMatch(
        /^GUEST_/,
      );
    });
  });

  test('sessions whose refresh token expired are swept', async () => {
    await withEmulator({ refreshTokenTtlSeconds: 2 }, async (url, stats) => {
      await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      expect(stats()).toMatchObject({ liveSessions: 1, liveGuestSessions: 1 });
      await delay(2100);
      expect(stats()).toMatchObject({ liveSessions: 0, liveGuestSessions: 0 });
    });
  });
});
