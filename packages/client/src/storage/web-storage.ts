import { LeaseMutex } from '@bettermode-kit/internal';
import type { SessionLease, SessionStorage, StoredEntry } from './session-storage';
import { packageName } from '../errors/package-name';

/** The part of the Web Storage API the client needs (`localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Options of {@link webStorage}. */
export interface WebStorageOptions {
  /** The item name. @defaultValue 'bettermode-kit:session' */
  key?: string;
  /** How long a refresh lease lasts if its tab never releases it. @defaultValue 10000 */
  leaseMs?: number;
}

interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<void>;
  request(name: string, callback: () => Promise<void>): Promise<void>;
}

interface StorageEventTarget {
  addEventListener(type: 'storage', listener: (event: { key: string | null; storageArea: unknown }) => void): void;
  removeEventListener(type: 'storage', listener: (event: { key: string | null; storageArea: unknown }) => void): void;
}

/**
 * Keeps the session in a Web Storage area, e.g. `webStorage(localStorage)`, shared by every tab
 * of the origin: one refresh for all tabs (Web Locks API, `navigator.locks`), changes heard through
 * a BroadcastChannel and the `storage` event, a logout in one tab reaching every tab.
 *
 * @remarks Anything that runs script on the page can read it: a cross-site scripting hole
 * exposes the tokens. Prefer the default memory storage unless the session must survive reloads.
 * Without `navigator.locks` the lease is per tab; the version check still keeps writes safe.
 *
 * @param storage - `localStorage` or `sessionStorage`
 */
export function webStorage(storage: WebStorageLike, options: WebStorageOptions = {}): SessionStorage {
  if (!storage || typeof storage.getItem !== 'function') {
    throw new TypeError(`${packageName}: webStorage() needs a Web Storage object such as localStorage`);
  }
  const key = options.key ?? 'bettermode-kit:session';
  const leaseMs = options.leaseMs ?? 10_000;
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  const events =
    typeof (globalThis as { addEventListener?: unknown }).addEventListener === 'function'
      ? (globalThis as unknown as StorageEventTarget)
      : undefined;
  const localMutex = new LeaseMutex(leaseMs, leaseMs * 1.5);
  const listeners = new Set<() => void>();
  // Reaches the other storages of this key in this tab too (the storage event reaches only other tabs).
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`bettermode-kit:${key}`) : undefined;
  if (channel) {
    channel.onmessage = () => {
      for (const listener of listeners) listener();
    };
    // In Node, a channel with a handler keeps the process alive.
    (channel as { unref?: () => void }).unref?.();
  }

  const readEntry = (): StoredEntry => {
    const raw = storage.getItem(key);
    if (raw === null) return { value: null, version: 0 };
    try {
      const parsed = JSON.parse(raw) as Partial<StoredEntry>;
      if (typeof parsed.version === 'number' && typeof parsed.value === 'string')
        return { value: parsed.value, version: parsed.version };
    } catch {
      // not ours: handed on as is, and the client reports it as not a valid session
    }
    return { value: raw, version: 0 };
  };

  /** Runs `work` while no other tab writes (the read-compare-write must not interleave). */
  const exclusive = <T>(work: () => T): Promise<T> => {
    if (!locks) return Promise.resolve().then(work);
    let result: T;
    return locks.request(`${key}:write`, async () => void (result = work())).then(() => result);
  };

  return {
    read: async () => readEntry(),
    async write(value, expectedVersion) {
      const version = await exclusive(() => {
        const current = readEntry();
        if (current.version !== expectedVersion) return null;
        storage.setItem(key, JSON.stringify({ version: current.version + 1, value }));
        return current.version + 1;
      });
      if (version !== null) {
        for (const listener of listeners) queueMicrotask(listener);
        channel?.postMessage(version);
      }
      return version;
    },
    lock() {
      if (!locks) return localMutex.acquire();
      return new Promise<SessionLease | null>((resolve) => {
        const waiting = new AbortController();
        const giveUp = setTimeout(() => waiting.abort(), leaseMs * 1.5);
        locks
          .request(`${key}:refresh`, { signal: waiting.signal }, () => {
            clearTimeout(giveUp);
            // Held until released, or until the lease runs out (a tab stuck in a refresh).
            return new Promise<void>((release) => {
              const lapse = setTimeout(release, leaseMs);
              resolve({
                release: async () => {
                  clearTimeout(lapse);
                  release();
                },
              });
            });
          })
          .catch(() => {
            clearTimeout(giveUp);
            resolve(null);
          });
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: { key: string | null; storageArea: unknown }) => {
        // key null: the whole area was cleared.
        if (
          (event.key === key || event.key === null) &&
          (event.storageArea === undefined || event.storageArea === storage)
        )
          listener();
      };
      events?.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        events?.removeEventListener('storage', onStorage);
      };
    },
  };
}
