import type { StorageHint } from '@bettermode-kit/client';
import type { Redis } from 'ioredis';
import type { RedisConnection } from './redis-connection';

/**
 * Pub/sub on one subscriber connection for any number of channels: each storage listens to its
 * own `key:changes`. Messages sent while disconnected are lost, so after every (re)connect every
 * listener is told to read again.
 */
export class RedisChannels {
  readonly #connection: RedisConnection;
  readonly #listeners = new Map<string, Set<(hint?: StorageHint) => void>>();
  #subscriber: Redis | undefined;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  /** Calls `listener` on each message to `channel`; returns an unsubscribe. */
  listen(channel: string, listener: (hint?: StorageHint) => void): () => void {
    const subscriber = this.#open();
    let forChannel = this.#listeners.get(channel);
    if (!forChannel) {
      this.#listeners.set(channel, (forChannel = new Set()));
      subscriber.subscribe(channel).catch(() => undefined);
    }
    forChannel.add(listener);
    return () => {
      const listeners = this.#listeners.get(channel);
      if (!listeners?.delete(listener) || listeners.size > 0) return;
      this.#listeners.delete(channel);
      this.#subscriber?.unsubscribe(channel).catch(() => undefined);
    };
  }

  close(): void {
    this.#listeners.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #open(): Redis {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = this.#connection.duplicate();
    subscriber.on('message', (channel: string) => {
      for (const listener of this.#listeners.get(channel) ?? []) listener();
    });
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // A connection made again means an outage: holders may have refreshed alone meanwhile.
      const hint = connectedBefore ? { reconnected: true } : undefined;
      connectedBefore = true;
      for (const listeners of this.#listeners.values()) for (const listener of listeners) listener(hint);
    });
    this.#subscriber = subscriber;
    return subscriber;
  }
}
