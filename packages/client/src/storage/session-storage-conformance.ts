import type { SessionStorage } from './session-storage';

/** One check of the storage contract; throws when the storage breaks it. */
export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
}

/**
 * Opens holders of one shared store: each call is another holder (another client, process, tab
 * or machine) over the same entry, with the given lease.
 */
export type OpenHolder = (options: { leaseMs: number }) => SessionStorage | Promise<SessionStorage>;

/**
 * The contract every `SessionStorage` keeps, as plain async checks, so the same suite runs under
 * vitest (memory, file, Redis) and inside a real browser (web storage). `fresh()` gives a new,
 * empty store and a way to open holders of it.
 */
export function sessionStorageConformance(fresh: () => Promise<OpenHolder>): ConformanceCheck[] {
  const check = (name: string, run: (open: OpenHolder) => Promise<void>): ConformanceCheck => ({
    name,
    run: async () => run(await fresh()),
  });
  return [
    check('an empty store reads as no value, version 0', async (open) => {
      const storage = await open({ leaseMs: 2000 });
      same(await storage.read(), { value: null, version: 0 });
    }),
    check('a write with the current version succeeds, and every holder reads it', async (open) => {
      const [a, b] = [await open({ leaseMs: 2000 }), await open({ leaseMs: 2000 })];
      const version = await a.write('first', 0);
      assert(typeof version === 'number' && version > 0, `write answered ${String(version)}`);
      same(await b.read(), { value: 'first', version });
    }),
    check('a write with a stale version is refused and changes nothing', async (open) => {
      const [a, b] = [await open({ leaseMs: 2000 }), await open({ leaseMs: 2000 })];
      const version = (await a.write('first', 0)) as number;
      await b.write('second', version);
      same(await a.write('late', version), null);
      same((await b.read()).value, 'second');
    }),
    check('of many writes on one version, exactly one succeeds', async (open) => {
      const holders = await Promise.all(Array.from({ length: 6 }, () => open({ leaseMs: 2000 })));
      const results = await Promise.all(holders.map((holder, index) => holder.write(`value ${index}`, 0)));
      const winners = results.filter((result) => result !== null);
      same(winners.length, 1);
      const entry = await (holders[0] as SessionStorage).read();
      same(entry.version, winners[0]);
      same(entry.value, `value ${results.findIndex((result) => result !== null)}`);
    }),
    check('versions only grow', async (open) => {
      const storage = await open({ leaseMs: 2000 });
      let version = 0;
      for (let round = 0; round < 4; round += 1) {
        const next = await storage.write(`round ${round}`, version);
        assert(next !== null && next > version, `version ${String(next)} after ${version}`);
        version = next;
      }
    }),
    check('the lease is exclusive: a second holder waits for the release', async (open) => {
      const [a, b] = [await open({ leaseMs: 5000 }), await open({ leaseMs: 5000 })];
      const first = await a.lock();
      assert(first !== null, 'the first lease was not granted');
      let granted = false;
      const second = b.lock().then((lease) => {
        granted = true;
        return lease;
      });
      await sleep(300);
      same(granted, false);
      await first.release();
      const lease = await second;
      assert(lease !== null, 'the second lease was not granted after the release');
      await lease.release();
    }),
    check('a lease never released runs out, and the next holder gets it', async (open) => {
      const [a, b] = [await open({ leaseMs: 2000 }), await open({ leaseMs: 2000 })];
      assert((await a.lock()) !== null, 'the first lease was not granted');
      const lease = await b.lock();
      assert(lease !== null, 'the lease of a holder that never released it did not run out');
      await lease.release();
    }),
    check('a write by one holder is heard by the others, until they unsubscribe', async (open) => {
      const [a, b] = [await open({ leaseMs: 2000 }), await open({ leaseMs: 2000 })];
      let heard = 0;
      const unsubscribe = b.subscribe(() => (heard += 1));
      await sleep(50);
      await a.write('news', 0);
      await until(() => heard > 0, 3000, 'the other holder heard nothing');
      unsubscribe();
      await sleep(100);
      const before = heard;
      await a.write('more news', 1);
      await sleep(500);
      same(heard, before);
    }),
  ];
}

function same(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, withinMs: number, message: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(20);
  }
}
