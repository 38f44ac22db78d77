import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSessionCookies, memoryCoordination, type SessionCookies, type SessionCoordination } from './index';
import { CookieJar } from './test-support/cookie-jar';
import { serveFetch } from './test-support/serve-fetch';
import { ssrTestApp } from './test-support/ssr-test-app';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const jwtShaped = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const longName = 'N'.repeat(6000);

let emulator: Emulator;
let sessions: SessionCookies;
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  // 2 s tokens, and no reuse grace: a refresh token spent twice revokes the session.
  emulator = await startEmulator({
    accessTokenTtlSeconds: 2,
    refreshReuseGraceSeconds: 0,
    members: [
      {
        username: 'bettermodeuser',
        email: 'user@example.com',
        password: 'bettermodepassword',
        name: 'Bettermode User',
        role: 'member',
      },
      { username: 'longname', email: 'long@example.com', password: 'long-password', name: longName, role: 'member' },
    ],
  });
  sessions = createSessionCookies({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  app = await serveFetch(ssrTestApp(sessions));
});
afterAll(async () => {
  await app.close();
  await sessions.close();
  await emulator.stop();
});

/** A browser's request to the app: same origin unless told otherwise. */
async function send(
  jar: CookieJar,
  path: string,
  init: {
    method?: string;
    body?: string;
    type?: string;
    origin?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<{ response: Response; text: string; setCookies: string[] }> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { ...init.headers };
  if (jar.cookies.size > 0) headers.cookie = jar.header();
  if (init.origin !== null && method !== 'GET') headers.origin = init.origin ?? app.url;
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  const response = await fetch(`${app.url}${path}`, { method, headers, body: init.body });
  const setCookies = jar.take(response);
  return { response, text: await response.text(), setCookies };
}

async function login(jar = new CookieJar(), credentials = member) {
  const result = await send(jar, '/login', { body: JSON.stringify(credentials) });
  expect(result.response.status).toBe(200);
  return jar;
}

const page = async (jar: CookieJar) => JSON.parse((await send(jar, '/page')).text) as { member: string | null };
const graphql = (query: string) => JSON.stringify({ query });

test('login sets an httpOnly, SameSite=Lax session cookie; the page renders the member; no token in any body', async () => {
  const jar = new CookieJar();
  const { response, text, setCookies } = await send(jar, '/login', { body: JSON.stringify(member) });
  expect(response.status).toBe(200);
  expect(JSON.parse(text)).toMatchObject({ session: { kind: 'member', member: { username: 'bettermodeuser' } } });
  expect(text).not.toMatch(jwtShaped);
  expect(setCookies).toHaveLength(1);
  expect(setCookies[0]).toMatch(/^bm_session=[\w~.-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
  expect(response.headers.get('cache-control')).toBe('private, no-store');

  const rendered = await send(jar, '/page');
  expect(JSON.parse(rendered.text)).toEqual({ member: 'bettermodeuser' });
  expect(rendered.text).not.toMatch(jwtShaped);
});

test('Secure on https, as a proxy in front of the app says with x-forwarded-proto', async () => {
  const jar = new CookieJar();
  const { setCookies } = await send(jar, '/login', {
    body: JSON.stringify(member),
    headers: { 'x-forwarded-proto': 'https' },
    origin: app.url.replace('http:', 'https:'),
  });
  expect(setCookies[0]).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
});

describe('the GraphQL proxy', () => {
  test("answers the browser's queries with the member's token, and never hands out a token", async () => {
    const jar = await login();
    const { response, text } = await send(jar, '/graphql', { body: graphql('{ authMember { username } }') });
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ data: { authMember: { username: 'bettermodeuser' } } });

    for (const query of [
      `{ tokens(networkDomain: "${emulator.networkDomain}") { accessToken } }`,
      'query Sneaky { ...F } fragment F on Query { me: tokens { accessToken } }',
      'mutation { loginNetwork(input: { usernameOrEmail: "a", password: "b" }) { accessToken } }',
    ]) {
      const refused = await send(jar, '/graphql', { body: graphql(query) });
      expect(refused.response.status).toBe(403);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('TOKEN_OPERATION_REFUSED');
      expect(refused.text).not.toMatch(jwtShaped);
    }
  });

  test('a guest gets its own answers (and a guest cookie, so the next request needs no new token)', async () => {
    const jar = new CookieJar();
    const { response, text } = await send(jar, '/graphql', { body: graphql('{ authMember { username } }') });
    expect(response.status).toBe(200);
    expect(JSON.parse(text).data.authMember.username).toMatch(/^guest_/);
    expect(jar.cookies.has('bm_session')).toBe(true);
    emulator.resetStats();
    await send(jar, '/graphql', { body: graphql('{ authMember { username } }') });
    expect(emulator.stats().byField.tokens ?? 0).toBe(0);
  });

  test('415 for anything but JSON, 413 for a large body, 405 for GET, 400 for a bad body', async () => {
    const jar = await login();
    expect((await send(jar, '/graphql', { body: 'query=1', type: 'text/plain' })).response.status).toBe(415);
    expect(
      (await send(jar, '/graphql', { body: 'query=%7B%7D', type: 'application/x-www-form-urlencoded' })).response
        .status,
    ).toBe(415);
    const large = graphql(`{ authMember { username } } # ${'x'.repeat(200 * 1024)}`);
    expect((await send(jar, '/graphql', { body: large })).response.status).toBe(413);
    expect((await send(jar, '/graphql', { method: 'GET' })).response.status).toBe(405);
    expect((await send(jar, '/graphql', { body: '{"query": 1}' })).response.status).toBe(400);
    expect((await send(jar, '/graphql', { body: graphql('{ authMember {') })).response.status).toBe(400);
  });
});

test('cross-origin login, logout and proxy requests: 403, and nothing changes', async () => {
  const jar = await login();
  emulator.resetStats();
  const evil = 'http://evil.example';
  const attempts = [
    await send(new CookieJar(), '/login', { body: JSON.stringify(member), origin: evil }),
    await send(jar, '/logout', { body: '{}', origin: evil }),
    await send(jar, '/graphql', { body: graphql('{ authMember { username } }'), origin: evil }),
    await send(jar, '/logout', { body: '{}', origin: null, headers: { 'sec-fetch-site': 'cross-site' } }),
  ];
  expect(attempts.map((attempt) => attempt.response.status)).toEqual([403, 403, 403, 403]);
  expect(attempts.flatMap((attempt) => attempt.setCookies)).toEqual([]);
  expect(emulator.stats()).toMatchObject({ passwordChecks: 0, requests: 0 });
  expect(await page(jar)).toEqual({ member: 'bettermodeuser' });
});

test('logout ends the member session on Bettermode and clears the cookie', async () => {
  const live = emulator.stats().liveSessions;
  const jar = await login();
  expect(emulator.stats().liveSessions).toBe(live + 1);
  const { response, setCookies } = await send(jar, '/logout', { body: '{}' });
  expect(response.status).toBe(200);
  expect(setCookies).toEqual(['bm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);
  expect(emulator.stats().liveSessions).toBe(live);
  expect(await page(jar)).toEqual({ member: null });
});

test('a wrong password: 401 with the API code, no cookie', async () => {
  const { response, text, setCookies } = await send(new CookieJar(), '/login', {
    body: JSON.stringify({ ...member, password: 'wrong' }),
  });
  expect(response.status).toBe(401);
  expect(JSON.parse(text).error.code).toBe('INVALID_CREDENTIALS');
  expect(text).not.toContain('wrong');
  // The guest token fetched to log in with is kept: the next try needs no new one.
  expect(setCookies.every((cookie) => cookie.startsWith('bm_session='))).toBe(true);
});

test('a session larger than one cookie (a 6 KB member name) round-trips in chunks', async () => {
  const jar = new CookieJar();
  const { setCookies } = await send(jar, '/login', {
    body: JSON.stringify({ usernameOrEmail: 'longname', password: 'long-password' }),
  });
  expect(setCookies.length).toBeGreaterThan(1);
  expect(setCookies.map((cookie) => cookie.split('=')[0])).toEqual(setCookies.map((_, index) => `bm_session.${index}`));
  for (const cookie of setCookies) expect(cookie.split(';')[0]?.length).toBeLessThan(4096);
  expect(await page(jar)).toEqual({ member: 'longname' });
  // Logging in as a small session again replaces the chunks with one cookie, and clears them.
  const { setCookies: replaced } = await send(jar, '/login', { body: JSON.stringify(member) });
  expect(replaced[0]).toMatch(/^bm_session=/);
  expect(replaced.slice(1).every((cookie) => /^bm_session\.\d+=; .*Max-Age=0/.test(cookie))).toBe(true);
  expect([...jar.cookies.keys()]).toEqual(['bm_session']);
  expect(await page(jar)).toEqual({ member: 'bettermodeuser' });
});

test('50 concurrent requests carrying one due cookie: 1 refresh, 0 Unauthorized, every answer the member, one new session in every Set-Cookie', async () => {
  const jar = await login();
  await delay(2100); // the access token is due
  emulator.resetStats();
  const results = await Promise.all(Array.from({ length: 50 }, () => send(jar.copy(), '/page')));
  const stats = emulator.stats();
  expect(results.map((result) => JSON.parse(result.text).member)).toEqual(Array(50).fill('bettermodeuser'));
  expect(stats).toMatchObject({ refreshes: 1, unauthorized: 0, revokedByReuse: 0 });
  const values = new Set(results.map((result) => sessionPart(result.setCookies)));
  expect(values.size).toBe(1);
  expect([...values][0]).not.toBe('');
});

/** The session a response's cookie holds, without the generation (which differs per write). */
function sessionPart(setCookies: string[]): string {
  return setCookies
    .map((cookie) => (cookie.split(';')[0] ?? '').split('=')[1]?.split('.').slice(1).join('.'))
    .join('|');
}

test("a request whose cookie's token is still good does not touch the coordination store", async () => {
  const inner = memoryCoordination();
  const calls: string[] = [];
  const counted: SessionCoordination = {
    lock: (name, leaseMs) => (calls.push('lock'), inner.lock(name, leaseMs)),
    get: (name) => (calls.push('get'), inner.get(name)),
    add: (name, value, ttlMs) => (calls.push('add'), inner.add(name, value, ttlMs)),
  };
  const counting = createSessionCookies({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    coordination: counted,
  });
  try {
    const login = await counting.login(new Request('http://app.example/login', { method: 'POST' }), member);
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    calls.length = 0;
    const page = await counting.handle(new Request('http://app.example/', { headers: { cookie } }), async (bm) =>
      Response.json(await bm.rawRequest('{ authMember { username } }')),
    );
    expect(((await page.json()) as { data: unknown }).data).toEqual({ authMember: { username: 'bettermodeuser' } });
    expect(calls).toEqual([]);
  } finally {
    await counting.close();
  }
});
