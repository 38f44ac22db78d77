import type { SessionLease, SessionStorage, StoredEntry } from '@bettermode-kit/client';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisChannels } from './redis-channels';
import { openRedis, type RedisConnection } from './redis-connection';
import { packageName } from './package-name';

/** Options of {@link redisStorage}. */
export interface RedisStorageOptions {
  /** A Redis URL, e.g. `redis://127.0.0.1:6379` or `rediss://:password@host:6380/0`. @defaultValue 'redis://127.0.0.1:6379' */
  url?: string;
  /** An ioredis client to use instead of `url`; it stays yours (`close()` leaves it open). */
  client?: Redis;
  /**
   * The key of the session entry.
   * @defaultValue `bettermode-kit:session:` and the client's community (its endpoint and network),
   * so clients of two communities on one Redis never share an entry
   */
  key?: string;
  /** Put before every key and channel this storage uses, to share a Redis with other apps. @defaultValue '' */
  keyPrefix?: string;
  /** How long a refresh lease lasts if its holder dies or hangs. @defaultValue 10000 */
  leaseMs?: number;
}

/** A {@link SessionStorage} on Redis, with `close()` for the connections it opened. */
export interface RedisSessionStorage extends SessionStorage {
  /** Closes the connections this storage opened (not a `client` that was passed in). */
  close(): Promise<void>;
}

// Compare-and-set: write only onto the version the writer last saw, then tell the other holders.
const writeScript = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[2]) then return false end
local version = current + 1
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'version', version)
redis.call('PUBLISH', KEYS[2], version)
return version`;

// Release a lease only while it is still ours (it may have run out and been taken by another holder).
export const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Keeps the session in Redis, so workers on many machines share one Bettermode session (a
 * member's, or an app's): one refresh per expiry between them, and a logout by one reaching all.
 *
 * - The entry is a hash (`value`, `version`); writes are a compare-and-set in one Lua script.
 * - The refresh lease is `SET key:lease <random> NX PX leaseMs`, released by a compare-and-delete
 *   script, so a holder whose lease ran out cannot release another's; a dead holder's lease
 *   simply runs out.
 * - Changes are published on `key:changes`; pub/sub may lose a message, so holders also read the
 *   entry again before every refresh and after every reconnect.
 * - While Redis is unreachable every call fails at once (no queue): the client keeps the session
 *   in memory, warns once, and shares it again when Redis is back.
 *
 * @example
 * ```ts
 * const storage = redisStorage({ url: process.env.REDIS_URL });
 * const bm = createBettermodeClient({ networkDomain: 'community.bettermode.io', storage });
 * // … bm.close(); await storage.close();
 * ```
 */
export function redisStorage(options: RedisStorageOptions = {}): RedisSessionStorage {
  const leaseMs = checkLeaseMs(options.leaseMs);
  const connection = openRedis(options);
  const channels = new RedisChannels(connection);
  return {
    ...redisSessionStorageOn(connection, channels, {
      prefix: options.keyPrefix ?? '',
      key: options.key,
      leaseMs,
    }),
    async close() {
      channels.close();
      connection.close();
    },
  };
}

/** A lease in ms, checked. */
export function checkLeaseMs(leaseMs: number | undefined): number {
  const value = leaseMs ?? 10_000;
  if (!Number.isFinite(value) || value < 100) throw new TypeError(`${packageName}: leaseMs must be at least 100`);
  return value;
}

/**
 * One session entry on a connection and a pub/sub that may serve many entries (see
 * `redisTokenStorage`): the entry, its lease and its change channel under `prefix` + `key`, or,
 * with no `key`, under a name that says the client's community.
 */
export function redisSessionStorageOn(
  connection: RedisConnection,
  channels: RedisChannels,
  options: { prefix: string; key: string | undefined; leaseMs: number },
): SessionStorage {
  const { prefix, leaseMs } = options;
  let key = `${prefix}${options.key ?? 'bettermode-kit:session'}`;
  let used = false;
  const leaseKey = () => `${key}:lease`;
  const channel = () => `${key}:changes`;
  const run = connection.run;

  return {
    useCommunity(community) {
      // Only a key the user did not choose, and only before the entry is first used.
      if (options.key !== undefined || used) return;
      key = `${prefix}bettermode-kit:session:${community}`;
    },
    async read(): Promise<StoredEntry> {
      used = true;
      const [value, version] = await run((redis) => redis.hmget(key, 'value', 'version'));
      return { value: value ?? null, version: version ? Number(version) : 0 };
    },
    async write(value, expectedVersion) {
      used = true;
      const version = await run(
        (redis) => redis.eval(writeScript, 2, key, channel(), value, String(expectedVersion)) as Promise<number | null>,
      );
      return version === null ? null : Number(version);
    },
    async lock(): Promise<SessionLease | null> {
      used = true;
      const token = randomBytes(16).toString('hex');
      const lease = leaseKey();
      const giveUpAt = Date.now() + leaseMs * 1.5;
      for (;;) {
        const taken = await run((redis) => redis.set(lease, token, 'PX', leaseMs, 'NX'));
        if (taken === 'OK') {
          return {
            release: async () =>
              void (await run((redis) => redis.eval(releaseScript, 1, lease, token)).catch(() => undefined)),
          };
        }
        if (Date.now() > giveUpAt) return null;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    subscribe(listener) {
      used = true;
      return channels.listen(channel(), listener);
    },
  };
}
