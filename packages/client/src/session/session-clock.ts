import type { StoredSession } from './session';

/** A clock difference smaller than this is read as none: `iat` in whole seconds alone explains up to 1 s. */
const skewToleranceMs = 3000;

/**
 * Decides when a token is due for refresh, on this machine's clock.
 *
 * - Expiry is the token's `exp`. The server's clock is assumed to agree with this one unless
 *   `iat` proves a real difference (more than a few seconds, beyond what the round trip and
 *   whole-second `iat` explain); then the difference is corrected, rounded towards refreshing
 *   early, never late.
 * - The leeway is `refreshLeewayMs`, but at most half the token's lifetime, and for short-lived
 *   tokens a tenth of it or three round trips, whichever is more: early enough that a request
 *   sent now still arrives in time, late enough not to refresh twice per lifetime.
 * - A clock turned back makes every token due.
 */
export class SessionClock {
  #offsetMs = 0;
  #roundTripMs = 0;
  #lastNow = 0;

  constructor(
    private readonly leewayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's clock minus this one; 0 unless the skew is real. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Learns the clock difference from a token that was requested at `sentAt` and received at `receivedAt`. */
  observeToken(session: StoredSession, sentAt: number, receivedAt: number): void {
    if (session.issuedAt <= 0) return;
    const precision = session.issuedAt % 1000 === 0 ? 1000 : 1;
    // The server issued the token at some local moment between sending and receiving.
    const lowest = session.issuedAt - receivedAt;
    const highest = session.issuedAt + precision - sentAt;
    this.#offsetMs = lowest > skewToleranceMs || highest < -skewToleranceMs ? highest : 0;
  }

  /** Learns how long requests take (a moving average), to keep the leeway above it. */
  observeRoundTrip(ms: number): void {
    this.#roundTripMs = this.#roundTripMs === 0 ? ms : this.#roundTripMs * 0.8 + ms * 0.2;
  }

  /** The access token's expiry on this machine's clock. */
  localExpiry(session: StoredSession): number {
    return session.expiresAt - this.#offsetMs;
  }

  /** True when the token should be refreshed before it is used. */
  isDue(session: StoredSession): boolean {
    const now = this.now();
    if (now < this.#lastNow - 1000) {
      this.#lastNow = now;
      return true;
    }
    this.#lastNow = now;
    const lifetime = session.expiresAt - session.issuedAt;
    if (lifetime <= 0) return true;
    const leeway = Math.min(this.leewayMs, lifetime / 2, Math.max(lifetime / 10, 3 * this.#roundTripMs));
    return now >= session.expiresAt - this.#offsetMs - leeway;
  }
}
