import { WorkList, type WorkListLinks } from '../transport/work-list';

interface PendingEntry extends WorkListLinks {
  deadline: number;
  fail(error: Error): void;
}

/**
 * Every promise the client has handed out and not yet settled. Each gets a deadline (a backstop
 * over the per-request timeouts: a storage that never answers must not hang its caller either),
 * and `close()` settles them all at once. One unref'd sweep timer while any is pending.
 */
export class PendingWork {
  readonly #entries = new WorkList<PendingEntry>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly deadlineMs: number,
    private readonly onDeadline: () => Error,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Settles like `work`, or rejects at the deadline or at `close()`, calling `cancel` then. */
  add<T>(work: Promise<T>, cancel?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: PendingEntry = {
        previous: undefined,
        next: undefined,
        deadline: Date.now() + this.deadlineMs,
        fail: (error) => {
          if (!this.#entries.delete(entry)) return;
          cancel?.();
          reject(error);
        },
      };
      this.#entries.add(entry);
      this.#sweeper ??= this.#startSweeper();
      work.then(
        (value) => {
          if (this.#entries.delete(entry)) resolve(value);
        },
        (error: unknown) => {
          if (this.#entries.delete(entry)) reject(error);
        },
      );
    });
  }

  /** Rejects everything still pending with the error `closed` makes (only made when something is pending). */
  close(closed: () => Error): void {
    if (this.#entries.size > 0) {
      const error = closed();
      this.#entries.forEach((entry) => entry.fail(error));
    }
    this.#stopSweeper();
  }

  #startSweeper(): ReturnType<typeof setInterval> {
    const sweeper = setInterval(
      () => {
        const now = Date.now();
        this.#entries.forEach((entry) => {
          if (entry.deadline <= now) entry.fail(this.onDeadline());
        });
        if (this.#entries.size === 0) this.#stopSweeper();
      },
      Math.min(500, this.deadlineMs / 4),
    );
    (sweeper as { unref?: () => void }).unref?.();
    return sweeper;
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
