/** What the emulator has answered since it started or since the last reset. */
export interface EmulatorStats {
  /** HTTP requests to the GraphQL endpoint, whatever their outcome. */
  requests: number;
  /** Executed root fields by name (`tokens`, `loginNetwork`, `__schema`, …). */
  byField: Record<string, number>;
  /** Requests answered `Unauthorized`. */
  unauthorized: number;
}

/** Counts requests, root fields and auth refusals. */
export class EmulatorStatsCounter {
  #requests = 0;
  #unauthorized = 0;
  #byField = new Map<string, number>();

  countRequest(): void {
    this.#requests += 1;
  }

  countUnauthorized(): void {
    this.#unauthorized += 1;
  }

  countFields(fieldNames: Iterable<string>): void {
    for (const name of fieldNames) this.#byField.set(name, (this.#byField.get(name) ?? 0) + 1);
  }

  snapshot(): EmulatorStats {
    return { requests: this.#requests, byField: Object.fromEntries(this.#byField), unauthorized: this.#unauthorized };
  }

  reset(): void {
    this.#requests = 0;
    this.#unauthorized = 0;
    this.#byField = new Map();
  }
}
