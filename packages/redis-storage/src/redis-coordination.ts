import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { openRedis } from './redis-connection';
import { releaseScript } from './redis-storage';

/** Options of {@link redisCoordination}. */
export interface RedisCoordinationOptions {
  /** A Redis URL. @defaultValue 'redis://127.0.0.1:6379' */
  url?: string;
  /** An ioredis client to use instead of `url`; it stays yours (`close()` leaves it open). */
  client?: Redis;
  /** Put before every key, to share a Redis with other apps. @defaultValue '' */
  keyPrefix?: string;
}

/** A lock held in Redis; released at most once. */
export interface RedisCoordinationLease {
  release(): Promise<void>;
}

/**
 * The coordination store of `@bettermode-kit/ssr`'s `createSessionCookies` on Redis, for apps
 * served by several processes or machines: one refresh per member session between all of them.
 *
 * - A lock is `SET name <random> NX PX leaseMs` (waited for in 25 ms steps), released by a
 *   compare-and-delete script: a request whose lease ran out cannot release another's.
 * - A successor is `SET name value NX PX ttl`: the first refresh recorded wins.
 * - Names are hashes of refresh tokens and values are sealed with them: Redis holds no token in
 *   the clear. Keys are `bettermode-kit:ssr:…` under `keyPrefix`, and expire by themselves.
 *
 * @example
 * ```ts
 * const sessions = createSessionCookies({
 *   networkDomain: 'community.bettermode.io',
 *   coordination: redisCoordination({ url: process.env.REDIS_URL }),
 * });
 * ```
 */
export function redisCoordination(options: RedisCoordinationOptions = {}) {
  const connection = openRedis(options);
  const key = (name: string) => `${options.keyPrefix ?? ''}bettermode-kit:ssr:${name}`;
  return {
    async lock(name: string, leaseMs: number): Promise<RedisCoordinationLease | null> {
      const token = randomBytes(16).toString('hex');
      const lease = key(name);
      const giveUpAt = Date.now() + leaseMs * 1.5;
      for (;;) {
        const taken = await connection.run((redis) => redis.set(lease, token, 'PX', leaseMs, 'NX'));
        if (taken === 'OK') {
          let released = false;
          return {
            async release() {
              if (released) return;
              released = true;
              await connection.run((redis) => redis.eval(releaseScript, 1, lease, token)).catch(() => undefined);
            },
          };
        }
        if (Date.now() > giveUpAt) return null;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async get(name: string): Promise<string | null> {
      return connection.run((redis) => redis.get(key(name)));
    },
    async add(name: string, value: string, ttlMs: number): Promise<boolean> {
      const set = await connection.run((redis) => redis.set(key(name), value, 'PX', Math.ceil(ttlMs), 'NX'));
      return set === 'OK';
    },
    async close(): Promise<void> {
      connection.close();
    },
  };
}

/** What {@link redisCoordination} returns: a `SessionCoordination` of `@bettermode-kit/ssr`. */
export type RedisCoordination = ReturnType<typeof redisCoordination>;
