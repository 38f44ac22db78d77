import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFaultProxy } from '../../../testing/fault-proxy';
import { createSessionCookies, type SessionCookies } from './index';
import { CookieJar } from './test-support/cookie-jar';
import { serveFetch } from './test-support/serve-fetch';
import { ssrTestApp } from './test-support/ssr-test-app';

// The browser's GraphQL endpoint when its member's token is due: 20 queries at once carrying one
// cookie, behind a TLS proxy (x-forwarded-proto: https), with the refresh answered and with its
// answer lost. The page path (`handle`) is tested the same way in lost-refresh-answer.test.ts.
describe.each([
  { grace: 0, lost: false, outcome: 'one refresh for all 20, every query answered for the member' },
  { grace: 30, lost: true, outcome: 'the refresh answer lost: sent once more, every query answered for the member' },
])('20 proxy queries at once with a due cookie, reuse grace $grace s', ({ grace, lost, outcome }) => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let sessions: SessionCookies;
  let app: { url: string; close(): Promise<void> };
  const secureOrigin = () => app.url.replace('http:', 'https:');

  beforeAll(async () => {
    emulator = await startEmulator({ accessTokenTtlSeconds: 4, refreshReuseGraceSeconds: grace });
    proxy = await startFaultProxy(emulator.url);
    sessions = createSessionCookies({ endpoint: proxy.url, networkDomain: emulator.networkDomain });
    app = await serveFetch(ssrTestApp(sessions));
  });
  afterAll(async () => {
    await app.close();
    await sessions.close();
    await proxy.stop();
    await emulator.stop();
  });

  test(
    outcome,
    async () => {
      const headers = { 'content-type': 'application/json', origin: secureOrigin(), 'x-forwarded-proto': 'https' };
      const jar = new CookieJar();
      const login = await fetch(`${app.url}/login`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' }),
      });
      expect(login.status).toBe(200);
      jar.take(login);
      await delay(3800); // the 4 s access token is due
      emulator.resetStats();
      const tokensBefore = proxy.arrivalsOf('Tokens');
      if (lost) proxy.setFault('refresh-drop-answer', { once: true });

      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${app.url}/graphql`, {
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
      proxy.setFault('none');

      expect(answers.map((answer) => [answer.status, answer.username])).toEqual(
        Array(20).fill([200, 'bettermodeuser']),
      );
      // One refresh for all 20 (sent once more when its answer was lost, never a third time), and no
      // guest token: nobody fell back to a guest.
      expect(proxy.arrivalsOf('Tokens') - tokensBefore).toBe(lost ? 2 : 1);
      expect(emulator.stats()).toMatchObject({
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
