import { createBettermodeClient } from '@bettermode-kit/client';
import { startEmulator } from '@bettermode-kit/emulator';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { redisUrl as redisUrlOf } from '../../../testing/redis-url';
import { startWorker, type SessionWorker } from '../../../testing/shared-session-harness';
import { redisStorage } from './index';

const redisUrl = redisUrlOf();
const require = createRequire(import.meta.url);
// The workers load what users install: the built packages.
const clientModule = pathToFileURL(require.resolve('@bettermode-kit/client').replace(/index\.cjs$/, 'index.js')).href;
const storageModule = pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href;

test('8 processes on one Redis, 20 operations a second each, across 5 expiries of a 2 s token, starting on an expired one: one refresh per expiry between them', async () => {
  // No reuse grace: a refresh token spent twice would revoke the session.
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2, refreshReuseGraceSeconds: 0 });
  const key = `test:${randomBytes(6).toString('hex')}`;
  const first = redisStorage({ url: redisUrl, key });
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, storage: first });
  const workers: SessionWorker[] = [];
  try {
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    bm.close();
    await first.close();
    workers.push(
      ...(await Promise.all(
        Array.from({ length: 8 }, () =>
          startWorker({
            clientModule,
            storageModule,
            storageExport: 'redisStorage',
            storageArgs: [{ url: redisUrl, key, leaseMs: 3000 }],
            endpoint: emulator.url,
          }),
        ),
      )),
    );
    // The stored token has expired when they start: all 8 need a refresh at their first operation.
    await delay(2000);
    emulator.resetStats();
    for (const worker of workers) worker.send('run');
    await delay(10_000);
    const reports = await Promise.all(workers.map((worker) => worker.stop()));
    const stats = emulator.stats();
    expect(reports.flatMap((report) => report.operations.filter((operation) => operation.error))).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.operations.length, 0)).toBeGreaterThan(8 * 20 * 10 * 0.8);
    expect(
      reports.every((report) => report.operations.every((operation) => operation.username === 'bettermodeuser')),
    ).toBe(true);
    expect(reports.flatMap((report) => report.warnings)).toEqual([]);
    expect(stats).toMatchObject({ unauthorized: 0, revokedByReuse: 0 });
    expect(stats.refreshes).toBeGreaterThanOrEqual(4);
    expect(stats.refreshes).toBeLessThanOrEqual(6);
  } finally {
    for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
    await emulator.stop();
  }
});

test("4 processes sharing an app's token cache on Redis: one limitedToken request per expiry between them", async () => {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
  const key = `test:${randomBytes(6).toString('hex')}`;
  const appModule = pathToFileURL(require.resolve('@bettermode-kit/client/node').replace(/node\.cjs$/, 'node.js')).href;
  const workers: SessionWorker[] = [];
  try {
    workers.push(
      ...(await Promise.all(
        Array.from({ length: 4 }, () =>
          startWorker({
            clientModule,
            storageModule,
            storageExport: 'redisStorage',
            storageArgs: [{ url: redisUrl, key, leaseMs: 3000 }],
            endpoint: emulator.url,
            app: {
              module: appModule,
              clientId: 'emulator-app',
              clientSecret: 'emulator-app-secret',
              networkId: 'NtT0FkLxxi',
            },
          }),
        ),
      )),
    );
    emulator.resetStats();
    for (const worker of workers) worker.send('run');
    // 5 expiries of a 2 s token.
    await delay(10_000);
    const reports = await Promise.all(workers.map((worker) => worker.stop()));
    const stats = emulator.stats();
    expect(reports.flatMap((report) => report.operations.filter((operation) => operation.error))).toEqual([]);
    expect(
      reports.every((report) => report.operations.every((operation) => operation.username === 'emulator-app-bot')),
    ).toBe(true);
    expect(reports.flatMap((report) => report.warnings)).toEqual([]);
    expect(stats.unauthorized).toBe(0);
    // The first mint and one per expiry: no more than expiries + 1.
    expect(stats.byField.limitedToken).toBeGreaterThanOrEqual(5);
    expect(stats.byField.limitedToken).toBeLessThanOrEqual(6);
  } finally {
    for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
    await emulator.stop();
  }
});
