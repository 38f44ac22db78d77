import type { Redis } from 'ioredis';
import { openRedis } from './redis-connection';

/** Options of {@link redisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** A Redis URL. @defaultValue 'redis://127.0.0.1:6379' */
  url?: string;
  /** An ioredis client to use instead of `url`; `close()` leaves it open. */
  client?: Redis;
  /** Put before every key. @defaultValue 'bettermode-kit:webhook:' */
  keyPrefix?: string;
}

/** What a claim found; the same as `ClaimResult` of `@bettermode-kit/webhooks`. */
export type RedisClaimResult = 'claimed' | 'processing' | 'done';

/** A dedupe store for `@bettermode-kit/webhooks` handlers, with `close()`. */
export interface RedisDedupeStore {
  claim(id: string, processingTtlMs: number): Promise<RedisClaimResult>;
  complete(id: string, doneTtlMs: number): Promise<void>;
  release(id: string): Promise<void>;
  close(): Promise<void>;
}

// Give a claim up only while it is still a claim (not once another receiver has completed the event).
const releaseScript = `
if redis.call('GET', KEYS[1]) == 'processing' then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Remembers handled webhook events in Redis, so a pool of receivers handles each event once:
 * a claim is `SET key processing NX PX ttl` (so a receiver that dies mid-event frees it after
 * the ttl), completion `SET key done PX ttl`.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, onEvent, dedupe: redisDedupeStore({ url: process.env.REDIS_URL }) });
 * ```
 */
export function redisDedupeStore(options: RedisDedupeStoreOptions = {}): RedisDedupeStore {
  const connection = openRedis(options);
  const prefix = options.keyPrefix ?? 'bettermode-kit:webhook:';
  return {
    async claim(id, processingTtlMs) {
      const key = `${prefix}${id}`;
      const ttl = Math.max(1, Math.round(processingTtlMs));
      // Twice at most: a claim that ran out between the SET and the GET is taken on the second try.
      for (let attempt = 0; ; attempt += 1) {
        const taken = await connection.run((redis) => redis.set(key, 'processing', 'PX', ttl, 'NX'));
        if (taken === 'OK') return 'claimed';
        const state = await connection.run((redis) => redis.get(key));
        if (state === 'done') return 'done';
        if (state !== null || attempt === 1) return 'processing';
      }
    },
    async complete(id, doneTtlMs) {
      await connection.run((redis) => redis.set(`${prefix}${id}`, 'done', 'PX', Math.max(1, Math.round(doneTtlMs))));
    },
    async release(id) {
      await connection.run((redis) => redis.eval(releaseScript, 1, `${prefix}${id}`));
    },
    async close() {
      connection.close();
    },
  };
}
