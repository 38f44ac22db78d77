import { LeaseMutex } from '@bettermode-kit/internal';
import type { SessionStorage, StoredEntry } from './session-storage';

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /** How long a refresh lease lasts if its holder never releases it. @defaultValue 10000 */
  leaseMs?: number;
}

/**
 * Keeps the session in memory only: gone when the process or page goes. The default, and the
 * safest choice in a browser. Pass one `memoryStorage()` to several clients and they share one
 * session: one refresh per expiry between them, and a logout by one reaches all.
 */
export function memoryStorage(options: MemoryStorageOptions = {}): SessionStorage {
  const leaseMs = options.leaseMs ?? 10_000;
  let entry: StoredEntry = { value: null, version: 0 };
  const listeners = new Set<() => void>();
  const mutex = new LeaseMutex(leaseMs, leaseMs * 1.5);
  return {
    read: async () => entry,
    async write(value, expectedVersion) {
      if (entry.version !== expectedVersion) return null;
      entry = { value, version: entry.version + 1 };
      for (const listener of listeners) queueMicrotask(listener);
      return entry.version;
    },
    lock: () => mutex.acquire(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
