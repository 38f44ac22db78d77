import { createHash } from 'node:crypto';

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

/** A login attempt allowed to check its password; it must end with exactly one of these calls. */
export interface LoginAttempt {
  succeeded(): void;
  failed(): void;
}

/**
 * Counts failed logins per bucket (one per member, whether named by username or email) and
 * refuses attempts for a while once there were too many within the window. An attempt reserves
 * its place before its password is checked, so simultaneous guesses count as they happen: 41 at
 * once check at most `maxFailures` passwords.
 */
export class LoginRateLimiter {
  /** Buckets kept at most (failures and lockouts each); the oldest are forgotten first. */
  static readonly maxBuckets = 10_000;
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();

  /** How many buckets are remembered (failures and lockouts): bounded by {@link LoginRateLimiter.maxBuckets} each. */
  get trackedBuckets(): number {
    return this.#failures.size + this.#lockedUntil.size;
  }

  constructor(
    private readonly limit: LoginRateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reserves an attempt for `bucket`, or says how many seconds to wait. The bucket is kept as a
   * digest: a login of any length costs the same few bytes.
   */
  reserve(name: string): LoginAttempt | { retryAfterSeconds: number } {
    const bucket = createHash('sha256').update(name).digest('base64url');
    const now = this.now();
    const until = this.#lockedUntil.get(bucket);
    if (until !== undefined) {
      if (until > now) return { retryAfterSeconds: Math.ceil((until - now) / 1000) };
      this.#lockedUntil.delete(bucket);
    }
    const failures = this.#recentFailures(bucket, now);
    const inFlight = this.#inFlight.get(bucket) ?? 0;
    // Attempts still being checked count as failures until they end.
    if (failures.length + inFlight >= this.limit.maxFailures) return { retryAfterSeconds: 1 };
    this.#inFlight.set(bucket, inFlight + 1);
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      const left = (this.#inFlight.get(bucket) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(bucket, left);
      else this.#inFlight.delete(bucket);
      return true;
    };
    return {
      succeeded: () => {
        if (end()) this.#failures.delete(bucket);
      },
      failed: () => {
        if (end()) this.#recordFailure(bucket);
      },
    };
  }

  #recentFailures(bucket: string, now: number): number[] {
    const recent = (this.#failures.get(bucket) ?? []).filter((at) => now - at < this.limit.windowSeconds * 1000);
    if (recent.length > 0) this.#failures.set(bucket, recent);
    else this.#failures.delete(bucket);
    return recent;
  }

  #recordFailure(bucket: string): void {
    const now = this.now();
    const recent = this.#recentFailures(bucket, now);
    recent.push(now);
    if (recent.length >= this.limit.maxFailures) {
      this.#lockedUntil.set(bucket, now + this.limit.lockoutSeconds * 1000);
      this.#failures.delete(bucket);
    } else {
      this.#failures.set(bucket, recent);
    }
    forgetOldest(this.#failures);
    forgetOldest(this.#lockedUntil);
  }
}

/** Map order is insertion order: past the cap, the first entries are the oldest. */
function forgetOldest(map: Map<string, unknown>): void {
  for (const key of map.keys()) {
    if (map.size <= LoginRateLimiter.maxBuckets) return;
    map.delete(key);
  }
}
