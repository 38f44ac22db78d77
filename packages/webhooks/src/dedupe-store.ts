/** What {@link DedupeStore.claim} found. */
export type ClaimResult = 'claimed' | 'processing' | 'done';

/**
 * Remembers which events were handled, so each is handled once however often it is delivered
 * and however many receivers share the store. `memoryDedupeStore()` for one process;
 * `redisDedupeStore()` from `@bettermode-kit/redis-storage` for a pool of receivers.
 */
export interface DedupeStore {
  /**
   * Claims an event id: `claimed` when this caller should handle it now, `processing` while
   * another caller handles it (for at most `processingTtlMs`, in case it died), `done` once handled.
   */
  claim(id: string, processingTtlMs: number): Promise<ClaimResult>;
  /** Marks a claimed id as handled, remembered for `doneTtlMs`. */
  complete(id: string, doneTtlMs: number): Promise<void>;
  /** Gives a claimed id up (its handler failed), so the next delivery handles it. */
  release(id: string): Promise<void>;
}

/** Options of {@link memoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Ids kept at most; the oldest are forgotten first. @defaultValue 10000 */
  maxEntries?: number;
}

/** A {@link DedupeStore} in this process's memory, bounded in size. */
export function memoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { state: 'processing' | 'done'; until: number }>();
  const current = (id: string) => {
    const entry = entries.get(id);
    if (entry && entry.until <= Date.now()) {
      entries.delete(id);
      return undefined;
    }
    return entry;
  };
  const set = (id: string, state: 'processing' | 'done', ttlMs: number) => {
    entries.delete(id);
    entries.set(id, { state, until: Date.now() + ttlMs });
    // Map order is insertion order: the first ids are the oldest.
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  };
  return {
    async claim(id, processingTtlMs) {
      const entry = current(id);
      if (entry) return entry.state;
      set(id, 'processing', processingTtlMs);
      return 'claimed';
    },
    async complete(id, doneTtlMs) {
      set(id, 'done', doneTtlMs);
    },
    async release(id) {
      if (current(id)?.state === 'processing') entries.delete(id);
    },
  };
}
