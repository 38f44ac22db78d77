import { startEmulator, type Emulator, type EmulatorMember } from '@bettermode-kit/emulator';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { redisUrl as redisUrlOf } from '../../../testing/redis-url';
import { CookieJar } from './test-support/cookie-jar';

const processes = 4;
const trialMembers: EmulatorMember[] = Array.from({ length: 20 }, (_, index) => ({
  username: `trial${index}`,
  email: `trial${index}@example.com`,
  password: `trial-password-${index}`,
  name: `Trial ${index}`,
  role: 'member',
}));
let emulator: Emulator;
const workers: ChildProcess[] = [];
const urls: string[] = [];

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
        name: 'User',
        role: 'member',
      },
      ...trialMembers,
    ],
  });
  const env = {
    ...process.env,
    ENDPOINT: emulator.url,
    NETWORK_DOMAIN: emulator.networkDomain,
    REDIS_URL: redisUrlOf(),
    KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
  };
  const script = fileURLToPath(new URL('./test-support/ssr-worker.ts', import.meta.url));
  for (let index = 0; index < processes; index += 1) {
    const worker = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    workers.push(worker);
  }
  urls.push(
    ...(await Promise.all(
      workers.map(async (worker) => {
        let output = '';
        for await (const chunk of worker.stdout as NodeJS.ReadableStream) {
          output += String(chunk);
          const ready = /ready (\S+)/.exec(output);
          if (ready?.[1]) return ready[1];
        }
        throw new Error(`a worker exited: ${output}`);
      }),
    )),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.exitCode !== null) return;
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      await exited;
    }),
  );
  await emulator.stop();
});

async function login(url: string, usernameOrEmail: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ usernameOrEmail, password }),
  });
  expect(response.status).toBe(200);
  jar.take(response);
  return jar;
}

/** `count` requests of the page carrying `jar`'s cookie, spread over the processes. */
async function pages(jar: CookieJar, count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const response = await fetch(`${urls[index % urls.length]}/page`, { headers: { cookie: jar.header() } });
      const member = ((await response.json()) as { member: string | null }).member;
      return { member, cookies: response.headers.getSetCookie() };
    }),
  );
}

const sessionPart = (cookies: string[]) =>
  cookies.map((cookie) => (cookie.split(';')[0] ?? '').split('=')[1]?.split('.').slice(1).join('.')).join('|');

test('50 concurrent requests with one due cookie over 4 processes on Redis: 1 refresh, 0 Unauthorized, every answer the member, one new session', async () => {
  const jar = await login(urls[0] as string, 'bettermodeuser', 'bettermodepassword');
  await delay(2100);
  emulator.resetStats();
  const answers = await pages(jar, 50);
  expect(answers.map((answer) => answer.member)).toEqual(Array(50).fill('bettermodeuser'));
  expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0, revokedByReuse: 0 });
  const sessions = new Set(answers.map((answer) => sessionPart(answer.cookies)));
  expect(sessions.size).toBe(1);
  expect([...sessions][0]).not.toBe('');
});

test('200 trials, 20 members side by side, 10 requests each over 4 processes at a random moment around the due time: 0 logouts', async () => {
  const failures: string[] = [];
  emulator.resetStats();
  await Promise.all(
    trialMembers.map(async (member) => {
      let jar = await login(urls[0] as string, member.username, member.password);
      for (let round = 0; round < 10; round += 1) {
        // From well before the due time to past the expiry.
        await delay(1400 + Math.random() * 1000);
        const answers = await pages(jar, 10);
        const wrong = answers.filter((answer) => answer.member !== member.username);
        if (wrong.length > 0) failures.push(`${member.username} round ${round}: ${wrong.length} not the member`);
        // The browser keeps the cookie of one of the answers (they all carry the same session).
        const withCookie = answers.find((answer) => answer.cookies.length > 0);
        if (withCookie) {
          const next = jar.copy();
          next.take(
            new Response(null, {
              headers: withCookie.cookies.map((cookie): [string, string] => ['set-cookie', cookie]),
            }),
          );
          jar = next;
        }
      }
    }),
  );
  expect(failures).toEqual([]);
  expect(emulator.stats()).toMatchObject({ revokedByReuse: 0, unauthorized: 0 });
}, 120_000);
