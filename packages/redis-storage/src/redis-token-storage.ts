import type { SessionStorage } from '@bettermode-kit/client';
import type { Redis } from 'ioredis';
import { RedisChannels } from './redis-channels';
import { openRedis } from './redis-connection';
import { checkLeaseMs, redisSessionStorageOn } from './redis-storage';

/** Options of {@link redisTokenStorage}. */
export interface RedisTokenStorageOptions {
  /** A Redis URL. @defaultValue 'redis://127.0.0.1:6379' */
  url?: string;
  /** An ioredis client to use instead of `url`; it stays yours (`close()` leaves it open). */
  client?: Redis;
  /** Put before every key and channel, to share a Redis with other apps. @defaultValue '' */
  keyPrefix?: string;
  /** How long a mint lease lasts if its holder dies or hangs. @defaultValue 10000 */
  leaseMs?: number;
}

/** The `tokenStorage` of an app client on Redis: a storage per key, all on two connections. */
export interface RedisTokenStorage {
  (key: string): SessionStorage;
  /** Closes the two connections (called by the app client's `close()`). */
  close(): Promise<void>;
}

/**
 * The token storages of an app client (`createBettermodeAppClient({ tokenStorage })`) on Redis:
 * the bot's and every member view's entry share one command connection and one pub/sub
 * connection, however many members the app acts as, and the app client's `close()` closes them.
 *
 * @example
 * ```ts
 * const app = createBettermodeAppClient({ clientId, clientSecret, networkId, tokenStorage: redisTokenStorage({ url }) });
 * ```
 */
export function redisTokenStorage(options: RedisTokenStorageOptions = {}): RedisTokenStorage {
  const leaseMs = checkLeaseMs(options.leaseMs);
  const connection = openRedis(options);
  const channels = new RedisChannels(connection);
  const storages = new Map<string, SessionStorage>();
  const storageFor = (key: string): SessionStorage => {
    let storage = storages.get(key);
    if (!storage) {
      storage = redisSessionStorageOn(connection, channels, { prefix: options.keyPrefix ?? '', key, leaseMs });
      storages.set(key, storage);
    }
    return storage;
  };
  return Object.assign(storageFor, {
    async close() {
      storages.clear();
      channels.close();
      connection.close();
    },
  });
}
