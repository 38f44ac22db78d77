import { startEmulator } from '@bettermode-kit/emulator';
import { setTimeout as delay } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { redisUrl } from '../../../testing/redis-url';
import { describeSessionApp } from '../../../packages/ssr/src/test-support/session-app-conformance';
import { startNextApp } from './testing/next-app';

describeSessionApp('the Next.js adapter (proxy.ts, a Server Component page, route handlers)', async (env) => {
  const app = await startNextApp({ ...env });
  return app;
});

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
const renderedMember = (html: string) =>
  /data-testid="server-member"[^>]*>[^<]*<strong>([^<]*)</.exec(html)?.[1] ?? null;

test('a Server Component renders a due session (middleware off) with no cookie error; the next request through the middleware stores the refresh, with no second refresh', async () => {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2, refreshReuseGraceSeconds: 0 });
  const env = {
    BETTERMODE_ENDPOINT: emulator.url,
    BETTERMODE_NETWORK_DOMAIN: emulator.networkDomain,
    REDIS_URL: redisUrl(),
  };
  // Two processes sharing Redis, as two instances of one app: one without the middleware.
  const [bare, full] = await Promise.all([
    startNextApp({ ...env, BETTERMODE_EXAMPLE_MIDDLEWARE: 'off' }),
    startNextApp(env),
  ]);
  try {
    const login = await fetch(`${bare.url}/api/bettermode/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: bare.url },
      body: JSON.stringify(member),
    });
    expect(login.status).toBe(200);
    const spent = cookieOf(login);
    await delay(2100); // the access token is due
    emulator.resetStats();

    const rendered = await fetch(`${bare.url}/`, { headers: { cookie: spent } });
    expect(rendered.status).toBe(200);
    expect(renderedMember(await rendered.text())).toBe('John Smith');
    expect(rendered.headers.getSetCookie()).toEqual([]);
    expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0 });

    const next = await fetch(`${full.url}/`, { headers: { cookie: spent } });
    expect(renderedMember(await next.text())).toBe('John Smith');
    const renewed = cookieOf(next);
    expect(renewed).toMatch(/^bm_session=/);
    expect(next.headers.get('cache-control')).toMatch(/private.*no-store/);
    // The successor the Server Component's refresh left: adopted, not refreshed again.
    expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0, revokedByReuse: 0 });

    const after = await fetch(`${full.url}/`, { headers: { cookie: renewed } });
    expect(renderedMember(await after.text())).toBe('John Smith');
    expect(after.headers.getSetCookie()).toEqual([]);
    expect(emulator.stats().refreshes).toBe(1);

    for (const output of [bare.output(), full.output()]) {
      expect(output).not.toMatch(/Cookies can only be modified/);
      expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    }
  } finally {
    await Promise.all([bare.stop(), full.stop()]);
    await emulator.stop();
  }
});
