/** What a storage holds: an opaque value and the version it was written at. */
export interface StoredEntry {
  /** The value last written; null when nothing was ever stored. */
  value: string | null;
  /** 0 when nothing was ever stored; every successful write makes it larger. */
  version: number;
}

/** What a {@link SessionStorage.subscribe} listener is told, when the storage knows more than "read again". */
export interface StorageHint {
  /** The storage lost its connection and has it again: writes may have been missed or held back. */
  reconnected?: boolean;
}

/** An exclusive right to refresh the session, held until released or until its lease runs out. */
export interface SessionLease {
  release(): Promise<void>;
}

/**
 * Where the client keeps its session (tokens included), shared by every holder that uses the same
 * storage: several clients in one process (`memoryStorage`), processes on one machine
 * (`fileStorage`), tabs of one origin (`webStorage`) or machines (`redisStorage` from
 * `@bettermode-kit/redis-storage`).
 *
 * @remarks The client reads and writes it only inside its session state machine:
 * - before a refresh it takes the {@link SessionStorage.lock | lease}, reads again and adopts a
 *   newer session instead of refreshing;
 * - every write is a compare-and-set on the version it last saw, so a holder whose lease lapsed
 *   cannot overwrite a newer session;
 * - {@link SessionStorage.subscribe} is a hint to read again; the stored entry is the truth.
 */
export interface SessionStorage {
  /** The current entry. May throw when the storage cannot be read. */
  read(): Promise<StoredEntry>;
  /**
   * Writes `value` if the stored version is still `expectedVersion`. Resolves to the new version,
   * or null when another holder wrote first. May throw when the storage cannot be written.
   */
  write(value: string, expectedVersion: number): Promise<number | null>;
  /**
   * Takes the refresh lease, waiting for another holder's to be released or to run out. Resolves
   * to the lease, or null when the wait ran out (the client then goes on: the version check still
   * guards the write).
   */
  lock(): Promise<SessionLease | null>;
  /**
   * Calls `listener` when another holder may have changed the entry, with `{ reconnected: true }`
   * when the storage was unreachable for a while and is back (other holders may have refreshed in
   * memory meanwhile, and are about to publish). Returns an unsubscribe.
   */
  subscribe(listener: (hint?: StorageHint) => void): () => void;
  /**
   * Told once, before the first read, which community the client holds a session for (its
   * endpoint and network). Optional: a storage whose entry name was not chosen by its user keys
   * the entry by it, so clients of two communities on one Redis or one origin never meet.
   */
  useCommunity?(community: string): void;
}
