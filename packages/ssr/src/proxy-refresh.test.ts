import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAppBehindFaultProxy, type AppBehindFaultProxy } from './test-support/app-behind-fault-proxy';
import { CookieJar } from './test-support/cookie-jar';

// The browser's GraphQL endpoint when its member's token is due: 20 queries at once carrying one
// cookie, behind a TLS proxy (x-forwarded-proto: https), with the refresh answered and with its
// answer lost. The page path (`handle`) is tested the same way in lost-refresh-answer.test.ts.
describe.each([
  { grace: 0, lost: false, outcome: 'one refresh for all 20, every query answered for the member' },
  { grace: 30, lost: true, outcome: 'the refresh answer lost: sent once more, every query answered for the member' },
])('20 proxy queries at once with a due cookie, reuse grace $grace s', ({ grace, lost, outcome }) => {
  let stack: AppBehindFaultProxy;
  const secureOrigin = () => stack.app.url.replace('http:', 'https:');

  beforeAll(async () => {
    stack = await startAppBehindFaultProxy({ accessTokenTtlSeconds: 4, refreshReuseGraceSeconds: grace });
  });
  afterAll(() => stack.stop());

  test(
    outcome,
    async () => {
      const headers = { 'content-type': 'application/json', origin: secureOrigin(), 'x-forwarded-proto': 'https' };
      const jar = new CookieJar();
      const login = await fetch(`${stack.app.url}/login`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' }),
      });
      expect(login.status).toBe(200);
      jar.take(login);
      await delay(3800); // the 4 s access token is due
      stack.emulator.resetStats();
      const tokensBefore = stack.proxy.arrivalsOf('Tokens');
      if (lost) stack.proxy.setFault('refresh-drop-answer', { once: true });

      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${stack.app.url}/graphql`, {
            method: 'POST',
            headers: { ...headers, cookie: jar.header() },
            body: JSON.stringify({ query: '{ authMember { username } }' }),
          });
          return {
            status: response.status,
            username: ((await response.json()) as { data?: { authMember?: { username?: string } } }).data?.authMember
              ?.username,
            cookies: response.headers.getSetCookie(),
            cacheControl: response.headers.get('cache-control'),
          };
        }),
      );
      stack.proxy.setFault('none');

      expect(answers.map((answer) => [answer.status, answer.username])).toEqual(
        Array(20).fill([200, 'bettermodeuser']),
      );
      // One refresh for all 20 (sent once more when its answer was lost, never a third time), and no
      // guest token: nobody fell back to a guest.
      expect(stack.proxy.arrivalsOf('Tokens') - tokensBefore).toBe(lost ? 2 : 1);
      expect(stack.emulator.stats()).toMatchObject({
        refreshes: 1,
        unauthorized: 0,
        revokedByReuse: 0,
        reuseGraceAnswers: lost ? 1 : 0,
      });
      // Every response sets the one new session (each write has its own generation, before the
      // first dot), Secure behind the TLS proxy, and is kept out of shared caches.
      const written = answers.map((answer) => answer.cookies.map((cookie) => cookie.split('.').slice(1).join('.')));
      expect(new Set(written.map((lines) => lines.join('\n'))).size).toBe(1);
      for (const answer of answers) {
        expect(answer.cookies).toHaveLength(1);
        expect(answer.cookies[0]).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
        expect(answer.cacheControl).toBe('private, no-store');
      }
    },
    30_000,
  );
});
