/**
 * A bounded cache whose hits cost a lookup and a flag, nothing more: the entry a miss pushes out
 * is the oldest one not used since the eviction pass last went by it (a "second chance", as the
 * CLOCK page-replacement scheme does). A strict LRU moves an entry on every hit, and in a `Map`
 * that is a delete and an insert per request, several times a hit's own cost.
 */
export class RecentlyUsedCache<K, V> {
  readonly #entries = new Map<K, { value: V; used: boolean }>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The kept value, or what `make` makes for `key` (then kept, pushing one out when full). */
  get(key: K, make: (key: K) => V): V {
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      kept.used = true;
      return kept.value;
    }
    const value = make(key);
    if (this.#entries.size >= this.capacity) this.#evictOne();
    this.#entries.set(key, { value, used: false });
    return value;
  }

  #evictOne(): void {
    // Oldest first; a used entry loses its flag and goes to the back. Every entry is passed at
    // most once with its flag set, so the loop ends within two rounds.
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.#entries.set(key, entry);
    }
  }
}
