import { WebhookVerificationError } from './webhook-verification-error';
import type { WebhookEnvelope, WebhookEvent } from './webhook-event';

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The app's signing secret; during a rotation, the old and the new (either may match). */
  secret: string | readonly string[];
  /** The request body exactly as it arrived. Never re-serialized JSON: one different byte fails. */
  rawBody: string | Uint8Array;
  /** The request's headers, any case: a `Headers`, or Node's `req.headers`. */
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** How far a delivery's timestamp may be from now, either way. @defaultValue 900000 (15 minutes) */
  toleranceMs?: number;
  /** The clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** Bettermode's signature header: hex HMAC-SHA256 over `${timestamp}:${rawBody}`. */
export const signatureHeader = 'x-bettermode-signature';
/** The delivery's time, in ms since the epoch. */
export const timestampHeader = 'x-bettermode-request-timestamp';
/** Bettermode asks receivers to ignore events older than 15 minutes. */
export const defaultToleranceMs = 15 * 60 * 1000;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * Verifies a Bettermode webhook and returns the event: the signature (HMAC-SHA256 keyed with
 * the app's signing secret over `${timestamp}:${rawBody}`, compared in constant time by Web
 * Crypto), then the timestamp (within `toleranceMs`), then the body.
 *
 * @throws {@link WebhookVerificationError} with `reason` `missing-header`, `bad-signature`,
 * `stale` or `bad-body`.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new TypeError('@bettermode-kit/webhooks: secret must be a non-empty string (or a list of them)');
  }
  const signature = header(options.headers, signatureHeader);
  const timestampText = header(options.headers, timestampHeader);
  if (!signature || !timestampText)
    throw new WebhookVerificationError(
      'missing-header',
      `a webhook needs the ${signatureHeader} and ${timestampHeader} headers`,
    );

  const body = typeof options.rawBody === 'string' ? encoder.encode(options.rawBody) : options.rawBody;
  const signed = concat(encoder.encode(`${timestampText}:`), body);
  const expected = hexBytes(signature.trim());
  let matches = false;
  if (expected && expected.length === 32) {
    for (const secret of secrets) {
      if (await crypto.subtle.verify('HMAC', await keyFor(secret), expected, signed)) matches = true;
    }
  }
  if (!matches) throw new WebhookVerificationError('bad-signature', 'the signature does not match the body');

  const timestamp = Number(timestampText);
  const now = (options.now ?? Date.now)();
  if (!/^\d+$/.test(timestampText.trim()) || Math.abs(now - timestamp) > (options.toleranceMs ?? defaultToleranceMs)) {
    throw new WebhookVerificationError('stale', 'the webhook is too old (or from the future): a replay is refused');
  }

  let envelope: WebhookEnvelope;
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as WebhookEnvelope;
  } catch {
    throw new WebhookVerificationError('bad-body', 'the body is not JSON');
  }
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    typeof envelope.type !== 'string' ||
    typeof envelope.data !== 'object' ||
    envelope.data === null
  ) {
    throw new WebhookVerificationError('bad-body', 'the body is not a Bettermode webhook (type and data are required)');
  }
  const dataId = (envelope.data as { id?: unknown }).id;
  const id =
    typeof dataId === 'string' && dataId !== ''
      ? dataId
      : `sha256:${toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(body))))}`;
  return { ...envelope, id, timestamp };
}

function header(headers: VerifyWebhookOptions['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1)
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}
