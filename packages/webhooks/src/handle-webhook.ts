import { memoryDedupeStore, type DedupeStore } from './dedupe-store';
import { defaultToleranceMs, verifyWebhook, type VerifyWebhookOptions } from './verify-webhook';
import type { WebhookChallengeData, WebhookEvent } from './webhook-event';
import { WebhookVerificationError } from './webhook-verification-error';

/** Options of the webhook handlers. */
export interface WebhookHandlerOptions {
  /** The app's signing secret; during a rotation, the old and the new. */
  secret: string | readonly string[];
  /**
   * Handles one event; the delivery is answered 200 once it resolves, 500 if it throws (so
   * Bettermode delivers it again). The URL challenge (`type: 'TEST'`) is answered without it.
   */
  onEvent: (event: WebhookEvent) => unknown;
  /** Where handled event ids are remembered; `false` to handle every delivery. @defaultValue memoryDedupeStore() */
  dedupe?: DedupeStore | false;
  /** How far a delivery's timestamp may be from now. @defaultValue 900000 (15 minutes) */
  toleranceMs?: number;
  /** How long an event may be in `onEvent` before a redelivery may take it over. @defaultValue 60000 */
  processingTtlMs?: number;
  /** The largest body read; a larger one is answered 413 without reading the rest. @defaultValue 1048576 */
  maxBodyBytes?: number;
  /**
   * Told of a failure after `onEvent` succeeded (the dedupe store could not record the event as
   * handled): the delivery is still answered 200, since the event was handled.
   * @defaultValue one `console.warn` naming the event
   */
  onError?: (error: unknown, context: { eventId: string }) => void;
  /** The clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** An HTTP answer, for whichever runtime sends it. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

const json = (status: number, value: unknown): WebhookAnswer => ({ status, body: JSON.stringify(value) });

/** Checks the options every handler takes; returns what the handler works with. */
export function prepareWebhookHandler(options: WebhookHandlerOptions) {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('@bettermode-kit/webhooks: options are required');
  if (typeof options.onEvent !== 'function')
    throw new TypeError('@bettermode-kit/webhooks: onEvent must be a function');
  const secret: unknown = options.secret;
  const secrets = Array.isArray(secret) ? secret : [secret];
  // Checked here, not at the first delivery: a bad entry in a rotation list would fail every one.
  if (secrets.length === 0 || secrets.some((each) => typeof each !== 'string' || each === '')) {
    throw new TypeError('@bettermode-kit/webhooks: secret must be a non-empty string (or a list of them)');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new TypeError(
      `@bettermode-kit/webhooks: maxBodyBytes must be a positive number, got ${String(options.maxBodyBytes)}`,
    );
  }
  return {
    ...options,
    maxBodyBytes,
    dedupe: options.dedupe === false ? undefined : (options.dedupe ?? memoryDedupeStore()),
  };
}

/**
 * Verifies a delivery, answers the URL challenge, and hands each event to `onEvent` once. The
 * answers tell an attacker nothing: 401 for a missing or bad signature or a stale timestamp, 400
 * for a body that is not a webhook, 500 when `onEvent` threw, 409 while another receiver is still
 * handling the same event (so it is delivered again later).
 */
export async function handleWebhook(
  prepared: ReturnType<typeof prepareWebhookHandler>,
  rawBody: Uint8Array | string,
  headers: VerifyWebhookOptions['headers'],
): Promise<WebhookAnswer> {
  const toleranceMs = prepared.toleranceMs ?? defaultToleranceMs;
  let event: WebhookEvent;
  try {
    event = await verifyWebhook({
      secret: prepared.secret,
      rawBody,
      headers,
      toleranceMs,
      ...(prepared.now ? { now: prepared.now } : {}),
    });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    return error.reason === 'bad-body' ? json(400, { error: 'Bad webhook' }) : json(401, { error: 'Unauthorized' });
  }
  if (event.type === 'TEST') {
    const { challenge } = event.data as Partial<WebhookChallengeData>;
    if (typeof challenge !== 'string') return json(400, { error: 'Bad webhook' });
    // Exactly what Bettermode expects to save the URL.
    return json(200, { type: 'TEST', status: 'SUCCEEDED', data: { challenge } });
  }
  const store = prepared.dedupe;
  if (store) {
    const claim = await store.claim(event.id, prepared.processingTtlMs ?? 60_000);
    if (claim === 'done') return json(200, { status: 'SUCCEEDED' });
    if (claim === 'processing') return json(409, { status: 'PROCESSING' });
  }
  try {
    await prepared.onEvent(event);
  } catch {
    await store?.release(event.id);
    return json(500, { error: 'The webhook could not be handled' });
  }
  // Remembered as long as a redelivery could still pass the timestamp check, and a little more.
  // The event was handled: a store that fails to record it is reported, never answered as a
  // failure (that would make Bettermode deliver it again, and onEvent run again).
  try {
    await store?.complete(event.id, toleranceMs * 2);
  } catch (error) {
    reportStoreFailure(prepared, error, event.id);
  }
  return json(200, { status: 'SUCCEEDED' });
}

function reportStoreFailure(prepared: ReturnType<typeof prepareWebhookHandler>, error: unknown, eventId: string): void {
  if (prepared.onError) {
    try {
      prepared.onError(error, { eventId });
    } catch {
      // A reporter that throws must not turn a handled event into a failed delivery.
    }
    return;
  }
  console.warn(
    `@bettermode-kit/webhooks: event ${eventId} was handled, but the dedupe store could not record it ` +
      `(${error instanceof Error ? error.name : typeof error}); a redelivery of it would be handled again`,
  );
}
