import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CookieJar } from './cookie-jar';

/** Where the app under test sends its Bettermode requests. */
export interface CommunityEnv {
  BETTERMODE_ENDPOINT: string;
  BETTERMODE_NETWORK_DOMAIN: string;
}

/** An app on `@bettermode-kit/ssr`, started for the suite. */
export interface SessionApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const jwtShaped = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/**
 * The behaviour every app on `@bettermode-kit/ssr` shows its browser, whatever the framework:
 * run against a plain `Request → Response` handler and against the Next.js adapter. The app
 * serves `GET /` (an HTML page: `data-testid="network-name"`, and for a member
 * `data-testid="server-member"` with the member's name) and `sessions.routes()` under
 * `/api/bettermode/`. The suite starts the emulator (2 s tokens, no reuse grace: a refresh token
 * spent twice revokes the session) and counts what reached it.
 */
export function describeSessionApp(name: string, start: (env: CommunityEnv) => Promise<SessionApp>): void {
  describe(`${name}: the session app contract`, () => {
    let emulator: Emulator;
    let app: SessionApp;

    beforeAll(async () => {
      emulator = await startEmulator({ accessTokenTtlSeconds: 2, refreshReuseGraceSeconds: 0 });
      app = await start({ BETTERMODE_ENDPOINT: emulator.url, BETTERMODE_NETWORK_DOMAIN: emulator.networkDomain });
    });
    afterAll(async () => {
      await app?.stop();
      await emulator?.stop();
    });

    async function send(
      jar: CookieJar,
      path: string,
      init: { body?: string; type?: string; origin?: string | null; headers?: Record<string, string> } = {},
    ) {
      const method = init.body === undefined ? 'GET' : 'POST';
      const headers: Record<string, string> = { ...init.headers };
      if (jar.cookies.size > 0) headers.cookie = jar.header();
      if (init.origin !== null && method !== 'GET') headers.origin = init.origin ?? app.url;
      if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
      const response = await fetch(`${app.url}${path}`, { method, headers, body: init.body, redirect: 'manual' });
      const setCookies = jar.take(response);
      return { response, text: await response.text(), setCookies };
    }
    const login = async (jar = new CookieJar()) => {
      const { response } = await send(jar, '/api/bettermode/login', { body: JSON.stringify(member) });
      expect(response.status).toBe(200);
      return jar;
    };
    /** The member's name the server rendered into the page, or null for a guest's page. */
    const renderedMember = (html: string) =>
      /data-testid="server-member"[^>]*>[^<]*<strong>([^<]*)<\/strong>/.exec(html)?.[1] ?? null;
    const graphql = (query: string) => JSON.stringify({ query });

    test("a guest's page: the community's name, no member, no token", async () => {
      const { response, text } = await send(new CookieJar(), '/');
      expect(response.status).toBe(200);
      expect(text).toContain('data-testid="network-name"');
      expect(renderedMember(text)).toBeNull();
      expect(text).not.toMatch(jwtShaped);
    });

    test('login: an httpOnly SameSite=Lax cookie, private no-store; the page is rendered for the member; no token in any body', async () => {
      const jar = new CookieJar();
      const { response, text, setCookies } = await send(jar, '/api/bettermode/login', { body: JSON.stringify(member) });
      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ session: { kind: 'member', member: { username: 'bettermodeuser' } } });
      expect(text).not.toMatch(jwtShaped);
      expect(setCookies).toHaveLength(1);
      expect(setCookies[0]).toMatch(/^bm_session=[\w~.-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/i);
      expect(response.headers.get('cache-control')).toBe('private, no-store');

      const page = await send(jar, '/');
      expect(renderedMember(page.text)).toBe('John Smith');
      expect(page.text).not.toMatch(jwtShaped);
      const session = await send(jar, '/api/bettermode/session');
      expect(JSON.parse(session.text)).toMatchObject({ session: { kind: 'member', member: { name: 'John Smith' } } });
      expect(session.text).not.toMatch(jwtShaped);
    });

    test('Secure behind a proxy that says x-forwarded-proto: https', async () => {
      const { setCookies } = await send(new CookieJar(), '/api/bettermode/login', {
        body: JSON.stringify(member),
        headers: { 'x-forwarded-proto': 'https' },
        origin: app.url.replace('http:', 'https:'),
      });
      expect(setCookies[0]).toMatch(/; Secure$/i);
    });

    test('the proxy answers with the member’s token and refuses operations that hand out tokens', async () => {
      const jar = await login();
      const { response, text } = await send(jar, '/api/bettermode/graphql', {
        body: graphql('{ authMember { username } }'),
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ data: { authMember: { username: 'bettermodeuser' } } });
      const refused = await send(jar, '/api/bettermode/graphql', {
        body: graphql(`{ tokens(networkDomain: "${emulator.networkDomain}") { accessToken } }`),
      });
      expect(refused.response.status).toBe(403);
      expect(refused.text).not.toMatch(jwtShaped);
    });

    test('text/plain or form-encoded: 415; an oversized body: 413; nothing reaches Bettermode', async () => {
      const jar = await login();
      emulator.resetStats();
      for (const path of ['/api/bettermode/login', '/api/bettermode/graphql']) {
        expect((await send(jar, path, { body: 'query=1', type: 'text/plain' })).response.status).toBe(415);
        expect(
          (await send(jar, path, { body: 'query=%7B%7D', type: 'application/x-www-form-urlencoded' })).response.status,
        ).toBe(415);
      }
      const large = graphql(`{ authMember { username } } # ${'x'.repeat(200 * 1024)}`);
      expect((await send(jar, '/api/bettermode/graphql', { body: large })).response.status).toBe(413);
      expect(emulator.stats().requests).toBe(0);
    });

    test('cross-origin login, logout and proxy: 403, and nothing changes', async () => {
      const jar = await login();
      emulator.resetStats();
      const evil = 'http://evil.example';
      const attempts = [
        await send(new CookieJar(), '/api/bettermode/login', { body: JSON.stringify(member), origin: evil }),
        await send(jar, '/api/bettermode/logout', { body: '{}', origin: evil }),
        await send(jar, '/api/bettermode/graphql', { body: graphql('{ authMember { username } }'), origin: evil }),
        await send(jar, '/api/bettermode/logout', {
          body: '{}',
          origin: null,
          headers: { 'sec-fetch-site': 'cross-site' },
        }),
      ];
      expect(attempts.map((attempt) => attempt.response.status)).toEqual([403, 403, 403, 403]);
      expect(attempts.flatMap((attempt) => attempt.setCookies)).toEqual([]);
      expect(emulator.stats()).toMatchObject({ passwordChecks: 0, requests: 0 });
      expect(renderedMember((await send(jar, '/')).text)).toBe('John Smith');
    });

    test('50 concurrent page requests with one due cookie: 1 refresh, 0 Unauthorized, 0 revoked, every page the member’s, one new session in every Set-Cookie', async () => {
      const jar = await login();
      await delay(2100); // the access token is due
      emulator.resetStats();
      const results = await Promise.all(Array.from({ length: 50 }, () => send(jar.copy(), '/')));
      const stats = emulator.stats();
      expect(results.map((result) => renderedMember(result.text))).toEqual(Array(50).fill('John Smith'));
      expect(stats).toMatchObject({ refreshes: 1, unauthorized: 0, revokedByReuse: 0 });
      const sessions = new Set(
        results.map((result) =>
          result.setCookies.map((cookie) => cookie.split(';')[0]?.split('=')[1]?.split('.').slice(1).join('.')).join(),
        ),
      );
      expect(sessions.size).toBe(1);
      expect([...sessions][0]).not.toBe('');
      for (const result of results) expect(result.response.headers.get('cache-control')).toMatch(/private.*no-store/);
    });

    test('logout ends the session on Bettermode and clears the cookie; the page is a guest’s', async () => {
      const jar = await login();
      const live = emulator.stats().liveSessions;
      const { response, setCookies } = await send(jar, '/api/bettermode/logout', { body: '{}' });
      expect(response.status).toBe(200);
      expect(setCookies).toEqual([expect.stringMatching(/^bm_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/i)]);
      expect(emulator.stats().liveSessions).toBe(live - 1);
      expect(renderedMember((await send(jar, '/')).text)).toBeNull();
      const { session } = JSON.parse((await send(jar, '/api/bettermode/session')).text) as {
        session: { kind: string } | null;
      };
      expect(session?.kind ?? 'none').not.toBe('member');
    });
  });
}
