/** How failed logins are throttled. */
export interface LoginRateLimit {
  /** @defaultValue 5 */
  maxFailures: number;
  /** @defaultValue 60 */
  windowSeconds: number;
  /** @defaultValue 60 */
  lockoutSeconds: number;
}

export const defaultLoginRateLimit: LoginRateLimit = { maxFailures: 5, windowSeconds: 60, lockoutSeconds: 60 };

/**
 * Counts failed logins per username (or email) and refuses further attempts for a while once
 * there were too many within the window, whether the next password is right or not.
 */
export class LoginRateLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();

  constructor(
    private readonly limit: LoginRateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const until = this.#lockedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) {
      this.#lockedUntil.delete(key);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  recordFailure(key: string): void {
    const now = this.now();
    const recent = (this.#failures.get(key) ?? []).filter((at) => now - at < this.limit.windowSeconds * 1000);
    recent.push(now);
    if (recent.length >= this.limit.maxFailures) {
      this.#lockedUntil.set(key, now + this.limit.lockoutSeconds * 1000);
      this.#failures.delete(key);
    } else {
      this.#failures.set(key, recent);
    }
  }

  recordSuccess(key: string): void {
    this.#failures.delete(key);
  }
}
