import { createBettermodeClient, type SessionStorage } from '@bettermode-kit/client';
import { createBettermodeAppClient } from '@bettermode-kit/client/node';
import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { redisUrl as redisUrlOf } from '../../../testing/redis-url';
import { startRedisServer } from '../../../testing/redis-server';
import { runReadmeUsage } from '../../../testing/run-readme-usage';
import { sessionStorageConformance } from '@bettermode-kit/client/testing';
import { redisDedupeStore, redisStorage, redisTokenStorage, type RedisSessionStorage } from './index';

const redisUrl = redisUrlOf();
const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const opened: RedisSessionStorage[] = [];
const open = (options: Parameters<typeof redisStorage>[0]) => {
  const storage = redisStorage(options);
  opened.push(storage);
  return storage;
};
const uniqueKey = () => `test:${randomBytes(6).toString('hex')}`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  for (const storage of opened.splice(0)) await storage.close();
  await emulator.stop();
});

test('the README example runs as written against the emulator and Redis', async () => {
  await runReadmeUsage(fileURLToPath(new URL('..', import.meta.url)), { emulator, redisUrl });
});

describe('redisStorage keeps the SessionStorage contract', () => {
  // Each holder has its own connections, as workers on other machines would.
  const fresh = async () => {
    const key = uniqueKey();
    return ({ leaseMs }: { leaseMs: number }): SessionStorage => open({ url: redisUrl, key, leaseMs });
  };
  for (const check of sessionStorageConformance(fresh)) test(check.name, () => check.run());
});

test('every key and channel is under keyPrefix', async () => {
  const prefix = `${uniqueKey()}:`;
  const storage = open({ url: redisUrl, keyPrefix: prefix });
  await storage.write('value', 0);
  const lease = await storage.lock();
  const raw = new Redis(redisUrl);
  try {
    expect((await raw.keys(`${prefix}*`)).sort()).toEqual([
      `${prefix}bettermode-kit:session`,
      `${prefix}bettermode-kit:session:lease`,
    ]);
  } finally {
    await lease?.release();
    raw.disconnect();
  }
});

test('misconfiguration throws at once, with the package name', () => {
  expect(() => redisStorage({ url: 'http://localhost:6379' })).toThrow(
    /^@bettermode-kit\/redis-storage: url must be a redis:\/\/ or rediss:\/\/ URL, not http:/,
  );
  expect(() => redisStorage({ url: 'not a url' })).toThrow(/^@bettermode-kit\/redis-storage: url must be a redis/);
  expect(() => redisStorage({ url: redisUrl, leaseMs: 0 })).toThrow(/leaseMs/);
});

test('Redis down from the start: one clear warning, and the client works from memory', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const server = await startRedisServer();
  await server.stop();
  const storage = open({ url: `redis://:a-redis-password@127.0.0.1:${server.port}` });
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, storage });
  try {
    await bm.login(member);
    for (let index = 0; index < 5; index += 1)
      expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    expect(warnings).toEqual(['@bettermode-kit/client: the stored session could not be read; starting without one']);
    expect(warnings.join('\n')).not.toContain('a-redis-password');
  } finally {
    bm.close();
  }
});

test('Redis stopped mid-run: one warning per holder, operations go on from memory; Redis back: sharing resumes', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const server = await startRedisServer();
  const target = await startEmulator({ accessTokenTtlSeconds: 2 });
  const key = uniqueKey();
  const holders = [0, 1].map(() =>
    createBettermodeClient({
      endpoint: target.url,
      networkDomain: target.networkDomain,
      storage: open({ url: server.url, key }),
    }),
  );
  const [a, b] = holders as [(typeof holders)[number], (typeof holders)[number]];
  try {
    await a.login(member);
    expect((await b.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    await server.stop();
    // Across an expiry with Redis gone: every operation still answers.
    for (let round = 0; round < 12; round += 1) {
      const answers = await Promise.all(holders.map((bm) => bm.query(AuthMemberDocument, {})));
      expect(answers.map((answer) => answer.authMember.username)).toEqual(['bettermodeuser', 'bettermodeuser']);
      await delay(200);
    }
    const outage = warn.mock.calls.map((call) => String(call[0]));
    expect(outage.length).toBeLessThanOrEqual(2);
    expect(outage[0]).toMatch(
      /^@bettermode-kit\/client: the session storage failed \(@bettermode-kit\/redis-storage: Redis is unreachable \((ECONNREFUSED|not connected: \w+)\)\); the session is kept in memory and shared again once the storage works$/,
    );

    await server.start();
    // The holders reconnect, find an empty Redis and publish their session again; then one refresh serves both.
    await delay(2500);
    target.resetStats();
    for (let round = 0; round < 12; round += 1) {
      await Promise.all(holders.map((bm) => bm.query(AuthMemberDocument, {})));
      await delay(200);
    }
    const raw = new Redis(server.url);
    const [, version] = await raw.hmget(key, 'value', 'version');
    raw.disconnect();
    expect(Number(version)).toBeGreaterThan(0);
    expect(target.stats().refreshes).toBeLessThanOrEqual(2);
    expect(target.stats().unauthorized).toBe(0);
    const [sessionA, sessionB] = await Promise.all(holders.map((bm) => bm.getSession()));
    expect(sessionA?.expiresAt).toEqual(sessionB?.expiresAt);
  } finally {
    for (const bm of holders) bm.close();
    await target.stop();
    await server.stop();
  }
});

test('the first commands on a fresh connection wait for it: 20 concurrent first claims, 5 concurrent first reads, all answer', async () => {
  const store = redisDedupeStore({ url: redisUrl, keyPrefix: `${uniqueKey()}:` });
  try {
    const claims = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => store.claim(`evt_${index}`, 5000)),
    );
    expect(claims.filter((claim) => claim.status === 'rejected')).toEqual([]);
    expect(claims.map((claim) => (claim as PromiseFulfilledResult<string>).value)).toEqual(
      Array.from({ length: 20 }, () => 'claimed'),
    );
  } finally {
    await store.close();
  }
  const storage = open({ url: redisUrl, key: uniqueKey() });
  const reads = await Promise.allSettled(Array.from({ length: 5 }, () => storage.read()));
  expect(reads.filter((read) => read.status === 'rejected')).toEqual([]);
});

test('4 clients of 2 communities on one Redis, default key: each community its own entry, 0 foreign tokens sent, 0 sessions left live after the logouts', async () => {
  const own = await startEmulator();
  const other = await startEmulator({ networkDomain: 'other.bettermode.io' });
  const prefix = `${uniqueKey()}:`;
  const clients = [own, own, other, other].map((server) =>
    createBettermodeClient({
      endpoint: server.url,
      networkDomain: server.networkDomain,
      storage: open({ url: redisUrl, keyPrefix: prefix }),
    }),
  );
  try {
    const [a1, a2, b1, b2] = clients as [
      (typeof clients)[number],
      (typeof clients)[number],
      (typeof clients)[number],
      (typeof clients)[number],
    ];
    await a1.login(member);
    await b1.login(member);
    expect((await a2.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    expect((await b2.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    await a2.logout();
    await b2.logout();
    expect([own.stats().liveSessions, other.stats().liveSessions]).toEqual([0, 0]);
    expect([own.stats().unauthorized, other.stats().unauthorized]).toEqual([0, 0]);
    const raw = new Redis(redisUrl);
    try {
      const entries = (await raw.keys(`${prefix}bettermode-kit:session:*`)).filter(
        (key) => !/:(lease|changes)$/.test(key),
      );
      expect(entries).toHaveLength(2);
    } finally {
      raw.disconnect();
    }
  } finally {
    for (const bm of clients) bm.close();
    await own.stop();
    await other.stop();
  }
});

test('an app client on redisTokenStorage: the bot and 20 member views on 2 Redis connections, all closed by close()', async () => {
  const members = Array.from({ length: 20 }, (_, index) => ({
    id: `member${String(index).padStart(4, '0')}`,
    username: `member${index}`,
    email: `member${index}@example.com`,
    password: `password-${index}`,
    name: `Member ${index}`,
    role: 'member' as const,
  }));
  const community = await startEmulator({ members });
  const own = await startRedisServer();
  const raw = new Redis(own.url);
  const connections = async () => ((await raw.client('LIST')) as string).trim().split('\n').length - 1;
  const app = createBettermodeAppClient({
    endpoint: community.url,
    clientId: 'emulator-app',
    clientSecret: 'emulator-app-secret',
    networkId: 'NtT0FkLxxi',
    tokenStorage: redisTokenStorage({ url: own.url }),
  });
  try {
    await app.query(AuthMemberDocument, {});
    for (const member of members) {
      expect((await app.asMember(member.id).query(AuthMemberDocument, {})).authMember.username).toBe(member.username);
    }
    expect(await connections()).toBe(2);
    app.close();
    await vi.waitFor(async () => expect(await connections()).toBe(0), { timeout: 5000 });
  } finally {
    app.close();
    raw.disconnect();
    await own.stop();
    await community.stop();
  }
});
