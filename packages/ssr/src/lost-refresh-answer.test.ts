import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAppBehindFaultProxy, type AppBehindFaultProxy } from './test-support/app-behind-fault-proxy';
import { CookieJar } from './test-support/cookie-jar';

// A refresh that Bettermode carried out but whose answer never came back (a dropped connection,
// which the real server cannot be made to produce on demand: hence the fault proxy). The client
// sends the same refresh token once more; what that costs depends on the server's reuse rules,
// which Bettermode does not document.
describe.each([
  { grace: 0, outcome: 'the session ends: every request renders a guest’s page, none fails' },
  { grace: 30, outcome: 'the server’s reuse grace answers the resend: every request keeps the member' },
])('a lost refresh answer under 10 concurrent requests, reuse grace $grace s', ({ grace, outcome }) => {
  let stack: AppBehindFaultProxy;

  beforeAll(async () => {
    stack = await startAppBehindFaultProxy({ accessTokenTtlSeconds: 4, refreshReuseGraceSeconds: grace });
  });
  afterAll(() => stack.stop());

  test(
    outcome,
    async () => {
      const jar = new CookieJar();
      const login = await fetch(`${stack.app.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: stack.app.url },
        body: JSON.stringify({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' }),
      });
      expect(login.status).toBe(200);
      jar.take(login);
      const live = stack.emulator.stats().liveSessions;
      await delay(3800); // the 4 s access token is due
      stack.emulator.resetStats();
      const refreshesSeen = stack.proxy.refreshesSeen();
      stack.proxy.setFault('refresh-drop-answer', { once: true });

      const pages = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const response = await fetch(`${stack.app.url}/page`, { headers: { cookie: jar.header() } });
          return {
            status: response.status,
            member: ((await response.json()) as { member: string | null }).member,
            cookies: response.headers.getSetCookie(),
          };
        }),
      );
      stack.proxy.setFault('none');

      // One refresh whose answer was dropped, sent once more with the same token (counted by the
      // emulator below as a reuse or a grace answer), never a third time.
      expect(stack.proxy.refreshesSeen() - refreshesSeen).toBe(1);
      expect(pages.map((page) => page.status)).toEqual(Array(10).fill(200));
      // Every response carries the one outcome: a cookie of the same session (each write has its
      // own generation, before the first dot).
      const written = pages.map((page) =>
        page.cookies.map((cookie) => cookie.split('.').slice(1).join('.')).join('\n'),
      );
      expect(new Set(written).size).toBe(1);
      expect(pages[0]?.cookies).toHaveLength(1);
      if (grace === 0) {
        // The request whose refresh was refused renders a guest's page; the others adopt the
        // guest session that followed (an authMember of a guest is the guest), none the member.
        expect(pages.map((page) => page.member)).not.toContain('bettermodeuser');
        const [value = ''] = written;
        const stored = JSON.parse(Buffer.from(value.split(';')[0] ?? '', 'base64url').toString()) as {
          reason: string;
          session: { kind: string };
        };
        expect({ reason: stored.reason, kind: stored.session.kind }).toEqual({
          reason: 'session-expired',
          kind: 'guest',
        });
        // The refresh, its resend (the reuse that ends the session) and one guest token for all:
        // no request sends the refused token again.
        expect(stack.emulator.stats()).toMatchObject({
          refreshes: 1,
          revokedByReuse: 1,
          reuseGraceAnswers: 0,
          byField: { tokens: 3 },
        });
        // The revoked session is not live at the server any more, and the old cookie stays a guest's.
        expect(stack.emulator.stats().liveSessions).toBe(live - 1);
        const again = await fetch(`${stack.app.url}/page`, { headers: { cookie: jar.header() } });
        expect(again.status).toBe(200);
        expect(((await again.json()) as { member: string | null }).member).not.toBe('bettermodeuser');
        expect(stack.emulator.stats().byField.tokens).toBe(3);
      } else {
        expect(pages.map((page) => page.member)).toEqual(Array(10).fill('bettermodeuser'));
        expect(stack.emulator.stats()).toMatchObject({ refreshes: 1, revokedByReuse: 0, reuseGraceAnswers: 1 });
        expect(stack.emulator.stats().liveSessions).toBe(live);
      }
    },
    30_000,
  );
});
