/** What the emulator has answered since it started or since the last reset. */
export interface EmulatorStats {
  /** HTTP requests to the GraphQL endpoint, whatever their outcome. */
  requests: number;
  /** Executed root fields by name (`tokens`, `loginNetwork`, `__schema`, …). */
  byField: Record<string, number>;
  /** Requests answered `Unauthorized`. */
  unauthorized: number;
  /** Passwords compared at `loginNetwork` (attempts refused by the throttle are not). */
  passwordChecks: number;
  /** Operations refused for the rate limit. */
  rateLimited: number;
  /** Webhook deliveries answered 2xx. */
  webhookDeliveries: number;
  /** Webhook attempts after a first one that failed (non-2xx, timeout, no answer). */
  webhookRetries: number;
  /** Webhook events given up after every attempt failed. */
  webhookFailures: number;
  /** Refresh tokens traded at `tokens(refreshToken)` (grace answers not included). */
  refreshes: number;
  /** A spent refresh token answered again, within the reuse grace window. */
  reuseGraceAnswers: number;
  /** Sessions revoked because a spent refresh token came back outside the grace window. */
  revokedByReuse: number;
  /** Open member and app sessions now (not reset). */
  liveSessions: number;
  /** Open guest sessions now (not reset). */
  liveGuestSessions: number;
}

/** The counts other parts of the emulator keep, read at each snapshot. */
export interface EmulatorStatsSources {
  tokenCounts: { refreshes: number; revokedByReuse: number; reuseGraceAnswers: number };
  liveSessions(): { member: number; guest: number };
}

/** Counts requests, root fields and refusals; adds the token service's counts and gauges. */
export class EmulatorStatsCounter {
  #requests = 0;
  #unauthorized = 0;
  #passwordChecks = 0;
  #rateLimited = 0;
  #webhooks = { delivered: 0, retry: 0, failed: 0 };
  #byField = new Map<string, number>();
  #sources: EmulatorStatsSources | undefined;

  /** Connects the token service, whose counts and live sessions are part of each snapshot. */
  attach(sources: EmulatorStatsSources): void {
    this.#sources = sources;
  }

  countRequest(): void {
    this.#requests += 1;
  }

  countUnauthorized(): void {
    this.#unauthorized += 1;
  }

  countPasswordCheck(): void {
    this.#passwordChecks += 1;
  }

  countWebhook(outcome: 'delivered' | 'retry' | 'failed'): void {
    this.#webhooks[outcome] += 1;
  }

  countRateLimited(): void {
    this.#rateLimited += 1;
  }

  countFields(fieldNames: Iterable<string>): void {
    for (const name of fieldNames) this.#byField.set(name, (this.#byField.get(name) ?? 0) + 1);
  }

  snapshot(): EmulatorStats {
    const counts = this.#sources?.tokenCounts ?? { refreshes: 0, revokedByReuse: 0, reuseGraceAnswers: 0 };
    const live = this.#sources?.liveSessions() ?? { member: 0, guest: 0 };
    return {
      requests: this.#requests,
      byField: Object.fromEntries(this.#byField),
      unauthorized: this.#unauthorized,
      passwordChecks: this.#passwordChecks,
      rateLimited: this.#rateLimited,
      webhookDeliveries: this.#webhooks.delivered,
      webhookRetries: this.#webhooks.retry,
      webhookFailures: this.#webhooks.failed,
      refreshes: counts.refreshes,
      reuseGraceAnswers: counts.reuseGraceAnswers,
      revokedByReuse: counts.revokedByReuse,
      liveSessions: live.member,
      liveGuestSessions: live.guest,
    };
  }

  reset(): void {
    this.#requests = 0;
    this.#unauthorized = 0;
    this.#passwordChecks = 0;
    this.#rateLimited = 0;
    this.#webhooks = { delivered: 0, retry: 0, failed: 0 };
    this.#byField = new Map();
    if (this.#sources) {
      const counts = this.#sources.tokenCounts;
      counts.refreshes = 0;
      counts.revokedByReuse = 0;
      counts.reuseGraceAnswers = 0;
    }
  }
}
