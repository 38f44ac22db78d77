import { LeaseMutex } from '@bettermode-kit/internal';

/** A lock held in a {@link SessionCoordination}; released at most once. */
export interface CoordinationLease {
  release(): Promise<void>;
}

/**
 * Where the servers of one app agree on refreshes: locks, and short-lived records of the session
 * that replaced a spent refresh token. `memoryCoordination()` serves one process;
 * `redisCoordination()` from `@bettermode-kit/redis-storage` serves processes and machines.
 * Names are hashes; values are sealed with a key only the old refresh token's holders can derive.
 */
export interface SessionCoordination {
  /**
   * Takes the lock `name`, waiting while another holder has it; a holder that never releases
   * loses it after `leaseMs`. Null when the wait ran out (the caller goes on without it).
   */
  lock(name: string, leaseMs: number): Promise<CoordinationLease | null>;
  /** The value recorded under `name`, or null. */
  get(name: string): Promise<string | null>;
  /** Records `value` under `name` for `ttlMs`, unless a value is there: true when it was recorded. */
  add(name: string, value: string, ttlMs: number): Promise<boolean>;
  /** Closes what it opened. */
  close?(): Promise<void>;
}

/**
 * Coordination within one process: enough for a single Node server; several processes or
 * machines need `redisCoordination()`.
 */
export function memoryCoordination(): SessionCoordination {
  const records = new Map<string, { value: string; expiresAt: number }>();
  const locks = new Map<string, { mutex: LeaseMutex; users: number }>();
  let lastSweep = 0;
  const sweep = (now: number) => {
    if (now - lastSweep < 1000) return;
    lastSweep = now;
    for (const [name, record] of records) if (record.expiresAt <= now) records.delete(name);
  };
  return {
    async lock(name, leaseMs) {
      let entry = locks.get(name);
      if (!entry) locks.set(name, (entry = { mutex: new LeaseMutex(leaseMs, leaseMs * 1.5), users: 0 }));
      entry.users += 1;
      const lease = await entry.mutex.acquire();
      const done = () => {
        // The last user of a lock drops it: a lock per refresh token must not outlive its use.
        const current = locks.get(name);
        if (current && (current.users -= 1) === 0) locks.delete(name);
      };
      if (!lease) {
        done();
        return null;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await lease.release();
          done();
        },
      };
    },
    async get(name) {
      const now = Date.now();
      sweep(now);
      const record = records.get(name);
      return record && record.expiresAt > now ? record.value : null;
    },
    async add(name, value, ttlMs) {
      const now = Date.now();
      sweep(now);
      const record = records.get(name);
      if (record && record.expiresAt > now) return false;
      records.set(name, { value, expiresAt: now + ttlMs });
      return true;
    },
  };
}
