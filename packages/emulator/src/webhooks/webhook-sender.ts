import { createHmac, randomBytes } from 'node:crypto';
import type { EmulatorNetwork } from '../emulator-seed';
import type { EmulatorStatsCounter } from '../emulator-stats';
import { withoutUrlCredentials } from '@bettermode-kit/internal';

/** A receiver the emulator sends webhooks to, signed as Bettermode signs them. */
export interface EmulatorWebhook {
  url: string;
  /** The app's signing secret. */
  secret: string;
  /** The event names it takes (e.g. `member.logged_in`). @defaultValue all */
  events?: readonly string[];
}

/** How deliveries are retried. */
export interface WebhookDeliveryOptions {
  /** Attempts per event and receiver. @defaultValue 5 */
  attempts?: number;
  /** The wait before the first retry, doubled each time. @defaultValue 200 */
  baseDelayMs?: number;
  /** An attempt without an answer within this is retried. @defaultValue 2000 */
  timeoutMs?: number;
}

/** What the URL challenge found for one receiver. */
export interface WebhookChallengeResult {
  url: string;
  passed: boolean;
  /** Why it did not pass. */
  reason?: string;
}

/** A member as the emulator puts it in event payloads. */
export interface WebhookPerson {
  id: string;
  name?: string | null;
  username?: string;
  email?: string | null;
}

/**
 * Signs and POSTs webhooks as Bettermode does: `X-Bettermode-Signature` is the hex HMAC-SHA256 of
 * `${timestamp}:${body}` keyed with the receiver's secret, `X-Bettermode-Request-Timestamp` the
 * time in ms. A delivery that gets no 2xx within the timeout is retried with backoff (a new
 * timestamp each time), so receivers see real duplicates.
 */
export class WebhookSender {
  readonly #pending = new Set<Promise<void>>();
  readonly #timers = new Set<() => void>();
  #stopped = false;

  constructor(
    private readonly webhooks: readonly EmulatorWebhook[],
    private readonly network: EmulatorNetwork,
    private readonly stats: EmulatorStatsCounter,
    private readonly options: Required<WebhookDeliveryOptions>,
  ) {}

  /** Sends the URL challenge to every receiver and checks the answer Bettermode expects. */
  challenge(): Promise<WebhookChallengeResult[]> {
    return Promise.all(
      this.webhooks.map(async (webhook): Promise<WebhookChallengeResult> => {
        const challenge = randomBytes(16).toString('hex');
        const body = JSON.stringify({
          networkId: this.network.id,
          context: 'NETWORK',
          currentSettings: [],
          type: 'TEST',
          data: { challenge },
        });
        try {
          const response = await this.#post(webhook, body);
          const text = await response.text();
          if (response.status !== 200) return { url: webhook.url, passed: false, reason: `HTTP ${response.status}` };
          if (!(response.headers.get('content-type') ?? '').startsWith('application/json'))
            return { url: webhook.url, passed: false, reason: 'not application/json' };
          const answer = JSON.parse(text) as { type?: unknown; status?: unknown; data?: { challenge?: unknown } };
          const passed =
            answer.type === 'TEST' && answer.status === 'SUCCEEDED' && answer.data?.challenge === challenge;
          return passed
            ? { url: webhook.url, passed }
            : { url: webhook.url, passed, reason: 'the answer did not echo the challenge' };
        } catch (error) {
          // A reason may be shown (the CLI prints it): never with the credentials a URL carries.
          return {
            url: webhook.url,
            passed: false,
            reason: withoutUrlCredentials(error instanceof Error ? error.message : String(error)),
          };
        }
      }),
    );
  }

  /** Sends an event to every receiver that takes it; returns its id. Delivery goes on in the background. */
  send(
    name: string,
    event: { noun: string; verb: string; actor?: WebhookPerson | null; object?: Record<string, unknown> },
  ): string {
    const id = randomBytes(12).toString('base64url');
    if (this.#stopped) return id;
    const objectId = typeof event.object?.id === 'string' ? event.object.id : undefined;
    const body = JSON.stringify({
      networkId: this.network.id,
      context: 'NETWORK',
      entityId: this.network.id,
      currentSettings: [],
      type: 'SUBSCRIPTION',
      data: {
        id,
        name,
        noun: event.noun,
        verb: event.verb,
        time: new Date().toISOString(),
        ...(event.actor ? { actorId: event.actor.id, actor: event.actor } : {}),
        ...(objectId ? { objectId } : {}),
        ...(event.object ? { object: event.object } : {}),
      },
    });
    for (const webhook of this.webhooks) {
      if (webhook.events && !webhook.events.includes(name)) continue;
      const delivery = this.#deliver(webhook, body).finally(() => this.#pending.delete(delivery));
      this.#pending.add(delivery);
    }
    return id;
  }

  /** Resolves when every delivery so far has ended (delivered or given up). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Gives up every retry still waiting. */
  stop(): void {
    this.#stopped = true;
    for (const cancel of [...this.#timers]) cancel();
  }

  async #deliver(webhook: EmulatorWebhook, body: string): Promise<void> {
    for (let attempt = 0; attempt < this.options.attempts && !this.#stopped; attempt += 1) {
      if (attempt > 0) {
        this.stats.countWebhook('retry');
        await this.#wait(this.options.baseDelayMs * 2 ** (attempt - 1));
        if (this.#stopped) break;
      }
      try {
        const response = await this.#post(webhook, body);
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) {
          this.stats.countWebhook('delivered');
          return;
        }
      } catch {
        // No answer in time, or none at all: retried like a refusal.
      }
    }
    this.stats.countWebhook('failed');
  }

  #post(webhook: EmulatorWebhook, body: string): Promise<Response> {
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', webhook.secret).update(`${timestamp}:${body}`).digest('hex');
    return fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bettermode-signature': signature,
        'x-bettermode-request-timestamp': timestamp,
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = () => {
        clearTimeout(timer);
        this.#timers.delete(cancel);
        resolve();
      };
      const timer = setTimeout(cancel, ms);
      this.#timers.add(cancel);
    });
  }
}
