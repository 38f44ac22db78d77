import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSessionCookies, memoryCoordination, type SessionCookies } from './index';
import { CookieJar } from './test-support/cookie-jar';
import { serveFetch } from './test-support/serve-fetch';
import { ssrTestApp } from './test-support/ssr-test-app';

let emulator: Emulator;
const apps: { sessions: SessionCookies; server: { url: string; close(): Promise<void> } }[] = [];

beforeAll(async () => {
  // 40 s tokens, due 4 s before they expire (a tenth of their life); no reuse grace at the emulator.
  emulator = await startEmulator({
    accessTokenTtlSeconds: 40,
    refreshReuseGraceSeconds: 0,
    members: [
      { username: 'kept', email: 'kept@example.com', password: 'kept-password', name: 'Kept', role: 'member' },
      { username: 'lapsed', email: 'lapsed@example.com', password: 'lapsed-password', name: 'Lapsed', role: 'member' },
    ],
  });
  const coordination = memoryCoordination();
  for (const successorWindowSeconds of [60, 5]) {
    const sessions = createSessionCookies({
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      successorWindowSeconds,
      coordination,
    });
    apps.push({ sessions, server: await serveFetch(ssrTestApp(sessions)) });
  }
});
afterAll(async () => {
  for (const { sessions, server } of apps) {
    await server.close();
    await sessions.close();
  }
  await emulator.stop();
});

async function login(url: string, name: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ usernameOrEmail: name, password: `${name}-password` }),
  });
  expect(response.status).toBe(200);
  jar.take(response);
  return jar;
}

async function page(url: string, jar: CookieJar) {
  const response = await fetch(`${url}/page`, { headers: { cookie: jar.header() } });
  return {
    status: response.status,
    member: ((await response.json()) as { member: string | null }).member,
    cookies: response.headers.getSetCookie(),
  };
}

test('the old cookie 30 s after the refresh gets the new session with no second refresh; past the window it reads as a guest, and its session is not left live', async () => {
  const [long, short] = apps.map((app) => app.server.url) as [string, string];
  const kept = await login(long, 'kept');
  const lapsed = await login(short, 'lapsed');
  const live = emulator.stats().liveSessions;
  await delay(36_500); // both access tokens are due
  emulator.resetStats();

  const refreshedKept = await page(long, kept.copy());
  const refreshedLapsed = await page(short, lapsed.copy());
  expect([refreshedKept.member, refreshedLapsed.member]).toEqual(['kept', 'lapsed']);
  expect(refreshedKept.cookies).toHaveLength(1);
  expect(emulator.stats().refreshes).toBe(2);

  // Past the 5 s window, the old cookie's refresh token is spent again: Bettermode ends that
  // session (a reuse), and the page renders a guest's, with a guest cookie.
  await delay(6000);
  const late = await page(short, lapsed);
  expect(late).toMatchObject({ status: 200, member: null });
  expect(late.cookies).toHaveLength(1);
  expect(emulator.stats().liveSessions).toBe(live - 1);

  // Within the 60 s window, 30 s after the refresh: the new session, and no refresh.
  await delay(24_000);
  const stale = await page(long, kept);
  expect(stale).toMatchObject({ status: 200, member: 'kept' });
  expect(stale.cookies.map((cookie) => cookie.split('.').slice(1).join('.'))).toEqual(
    refreshedKept.cookies.map((cookie) => cookie.split('.').slice(1).join('.')),
  );
  expect(emulator.stats().refreshes).toBe(2);
}, 120_000);
