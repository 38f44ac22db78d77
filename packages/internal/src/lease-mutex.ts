/** A held lease; released at most once. */
export interface SessionLease {
  release(): Promise<void>;
}

/**
 * One lease at a time within a process, granted in request order. A holder that never releases
 * loses the lease after `leaseMs`; a waiter gives up after `waitMs` and gets null.
 */
export class LeaseMutex {
  #held: symbol | null = null;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  readonly #waiting: ((lease: SessionLease | null) => void)[] = [];

  constructor(
    private readonly leaseMs: number,
    private readonly waitMs: number,
  ) {}

  acquire(): Promise<SessionLease | null> {
    if (this.#held === null) return Promise.resolve(this.#grant());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve(null);
      }, this.waitMs);
      const waiter = (lease: SessionLease | null) => {
        clearTimeout(timer);
        resolve(lease);
      };
      this.#waiting.push(waiter);
    });
  }

  #grant(): SessionLease {
    const id = Symbol('lease');
    this.#held = id;
    this.#expiry = setTimeout(() => this.#pass(id), this.leaseMs);
    (this.#expiry as { unref?: () => void }).unref?.();
    return { release: async () => this.#pass(id) };
  }

  #pass(id: symbol): void {
    if (this.#held !== id) return;
    clearTimeout(this.#expiry);
    this.#held = null;
    const next = this.#waiting.shift();
    if (next) next(this.#grant());
  }
}
