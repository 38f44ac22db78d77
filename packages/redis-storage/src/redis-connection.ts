import { Redis, type RedisOptions } from 'ioredis';
import { packageName } from './package-name';

/** A connection to Redis that fails at once while Redis is unreachable, with messages naming why. */
export interface RedisConnection {
  /** Runs a command, connecting first when needed. */
  run<T>(command: (redis: Redis) => Promise<T>): Promise<T>;
  /** A second connection on the same server (for pub/sub), failing the same way. */
  duplicate(): Redis;
  /** Closes the connection if this package opened it. */
  close(): void;
}

/** How connections are set up: fail fast while disconnected, reconnect in the background. */
export const connectionOptions: RedisOptions = {
  lazyConnect: true,
  // Fail at once while disconnected: callers then go on (from memory) instead of waiting.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  commandTimeout: 2000,
  // Reconnect within half a second of Redis coming back: after an outage, holders wait a moment
  // for each other's held-back sessions, and that moment must cover everyone's reconnection.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 500),
};

/** Opens `url`, or wraps a `client` given by the caller (which stays the caller's to close). */
export function openRedis(options: { url?: string | undefined; client?: Redis | undefined }): RedisConnection {
  const owned = !options.client;
  const commands = options.client ?? connect(options.url ?? 'redis://127.0.0.1:6379');
  let lastError: Error | undefined;
  let connecting: Promise<void> | undefined;
  if (owned) commands.on('error', (error: Error) => (lastError = error));

  return {
    async run(command) {
      try {
        // The first command connects; those issued meanwhile wait for that same connection
        // (bounded by connectTimeout) instead of failing while it is still being made.
        if (owned && (commands.status === 'wait' || connecting)) {
          connecting ??= commands.connect().finally(() => (connecting = undefined));
          await connecting;
        }
        return await command(commands);
      } catch (error) {
        // While disconnected, ioredis fails commands with its own wording; the connection's error says why.
        const connected = commands.status === 'ready';
        const reason = connected
          ? error instanceof Error
            ? error.message
            : String(error)
          : ((lastError as NodeJS.ErrnoException | undefined)?.code ?? `not connected: ${commands.status}`);
        // eslint-disable-next-line preserve-caught-error -- left out on purpose: a client error may quote the Redis URL and its password.
        throw new Error(`${packageName}: Redis ${connected ? 'failed' : 'is unreachable'} (${reason})`);
      }
    },
    duplicate() {
      const copy = commands.duplicate({ ...connectionOptions, enableOfflineQueue: true });
      copy.on('error', () => undefined);
      return copy;
    },
    close() {
      if (owned) commands.disconnect();
    },
  };
}

function connect(url: string): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${packageName}: url must be a redis:// or rediss:// URL`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`${packageName}: url must be a redis:// or rediss:// URL, not ${parsed.protocol}`);
  }
  return new Redis(url, connectionOptions);
}
