import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startWorker, type SessionWorker, type WorkerReport } from '../../../../testing/shared-session-harness';
import { distinct } from '../test-support/distinct';
import { createBettermodeClient, memoryStorage } from '../index';
import { fileStorage } from '../node';

// One session shared by many holders. The emulator's reuse grace window is off: any refresh token
// spent twice revokes the session, so only real coordination (lease, re-read, adopt) passes.
const tokenSeconds = 2;
const expiries = 5;
const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const clientModule = pathToFileURL(join(import.meta.dirname, '../../dist/node/index.js')).href;
const nodeModule = pathToFileURL(join(import.meta.dirname, '../../dist/node/node.js')).href;

let emulator: Emulator;
let folder: string;
beforeAll(async () => {
  emulator = await startEmulator({ accessTokenTtlSeconds: tokenSeconds, refreshReuseGraceSeconds: 0 });
});
afterAll(async () => {
  await emulator.stop();
});
let path: string;
const workers: SessionWorker[] = [];
beforeAllFolder();
afterEach(async () => {
  for (const worker of workers.splice(0)) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
});

function beforeAllFolder() {
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bettermode-shared-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });
}

/** Logs in once on a new session file and returns its path. */
async function sharedFileSession(name: string): Promise<string> {
  path = join(folder, `${name}.json`);
  const bm = createBettermodeClient({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    storage: fileStorage(path),
  });
  await bm.login(member);
  bm.close();
  return path;
}

async function fileWorkers(count: number, sessionPath: string, leaseMs = 3000): Promise<SessionWorker[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      startWorker({
        clientModule,
        storageModule: nodeModule,
        storageExport: 'fileStorage',
        storageArgs: [sessionPath, { leaseMs }],
        endpoint: emulator.url,
      }),
    ),
  );
  workers.push(...started);
  return started;
}

const failures = (reports: WorkerReport[]) =>
  reports.flatMap((report) => report.operations.filter((operation) => operation.error !== undefined));

describe(`holders of one session across ${expiries} expiries of a ${tokenSeconds} s token: one refresh per expiry between them`, () => {
  test('8 Node processes on one session file, 20 operations a second each, starting on an expired token', async () => {
    const sessionPath = await sharedFileSession('eight-processes');
    const started = await fileWorkers(8, sessionPath);
    // All 8 need a refresh at their first operation.
    await delay(tokenSeconds * 1000);
    emulator.resetStats();
    for (const worker of started) worker.send('run');
    await delay(expiries * tokenSeconds * 1000);
    const reports = await Promise.all(started.map((worker) => worker.stop()));
    const stats = emulator.stats();
    const operations = reports.reduce((sum, report) => sum + report.operations.length, 0);
    expect(failures(reports)).toEqual([]);
    expect(operations).toBeGreaterThan(8 * 20 * expiries * tokenSeconds * 0.8);
    expect(
      reports.every((report) => report.operations.every((operation) => operation.username === 'bettermodeuser')),
    ).toBe(true);
    expect(stats).toMatchObject({ unauthorized: 0, revokedByReuse: 0 });
    expect(stats.refreshes).toBeGreaterThanOrEqual(expiries - 1);
    expect(stats.refreshes).toBeLessThanOrEqual(expiries + 1);
  });

  test('4 clients in one process on one memoryStorage', async () => {
    const storage = memoryStorage();
    const clients = Array.from({ length: 4 }, () =>
      createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, storage }),
    );
    await (clients[0] as (typeof clients)[number]).login(member);
    emulator.resetStats();
    const results: Promise<unknown>[] = [];
    const timers = clients.map((bm) =>
      setInterval(() => results.push(bm.query(AuthMemberDocument, distinct(results.length))), 50),
    );
    await delay(expiries * tokenSeconds * 1000);
    for (const timer of timers) clearInterval(timer);
    const settled = await Promise.allSettled(results);
    for (const bm of clients) bm.close();
    const stats = emulator.stats();
    expect(settled.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(settled.length).toBeGreaterThan(4 * 20 * expiries * tokenSeconds * 0.8);
    expect(stats).toMatchObject({ unauthorized: 0, revokedByReuse: 0 });
    expect(stats.refreshes).toBeGreaterThanOrEqual(expiries - 1);
    expect(stats.refreshes).toBeLessThanOrEqual(expiries + 1);
  });
});

test('a logout in one process: the other 7 are guests by their next operation, at most one Unauthorized per holder', async () => {
  const liveBefore = emulator.stats().liveSessions;
  const sessionPath = await sharedFileSession('logout');
  const started = await fileWorkers(8, sessionPath);
  emulator.resetStats();
  for (const worker of started) worker.send('run');
  await delay(1500);
  const [first, ...others] = started as [SessionWorker, ...SessionWorker[]];
  first.send('logout');
  const loggedOutAt = Number((await first.next('logged-out')).split(' ')[1]);
  await delay(1500);
  const reports = await Promise.all(started.map((worker) => worker.stop()));
  expect(failures(reports)).toEqual([]);
  for (const report of reports.slice(1)) {
    const after = report.operations.filter((operation) => operation.startedAt > loggedOutAt);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((operation) => operation.username?.startsWith('guest_'))).toBe(true);
    expect(report.session).toMatchObject({ kind: 'guest' });
  }
  expect(others.length).toBe(7);
  // At most one per holder: the one logging out may also have had an operation in flight.
  expect(emulator.stats().unauthorized).toBeLessThanOrEqual(started.length);
  expect(emulator.stats().liveSessions).toBe(liveBefore);
});

test('a holder killed while it holds the refresh lease: the others refresh once the lease runs out, and no operation fails', async () => {
  const sessionPath = await sharedFileSession('killed-holder');
  const leaseMs = 3000;
  const [locker] = await fileWorkers(1, sessionPath, leaseMs);
  const started = await fileWorkers(4, sessionPath, leaseMs);
  emulator.resetStats();
  locker?.send('lock');
  await locker?.next('locked');
  const killedAt = Date.now();
  locker?.process.kill('SIGKILL');
  for (const worker of started) worker.send('run');
  // Past the token's expiry and past the dead holder's lease.
  await delay(tokenSeconds * 1000 + leaseMs + 1000);
  const reports = await Promise.all(started.map((worker) => worker.stop()));
  const stats = emulator.stats();
  expect(failures(reports)).toEqual([]);
  expect(stats).toMatchObject({ unauthorized: 0, revokedByReuse: 0 });
  expect(stats.refreshes).toBeGreaterThanOrEqual(1);
  // Operations that found the token due waited for the lease to run out, then got their answer.
  const slowest = Math.max(
    ...reports.flatMap((report) => report.operations.map((operation) => operation.endedAt - operation.startedAt)),
  );
  expect(slowest).toBeGreaterThan(500);
  expect(Date.now() - killedAt).toBeGreaterThan(leaseMs);
});
