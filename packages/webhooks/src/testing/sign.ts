import { createHmac } from 'node:crypto';

/** Signs a body as Bettermode does, independently of the package (node:crypto, not Web Crypto). */
export function bettermodeHeaders(
  secret: string,
  body: string | Buffer,
  timestamp = Date.now(),
): Record<string, string> {
  const signature = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${timestamp}:`), Buffer.isBuffer(body) ? body : Buffer.from(body)]))
    .digest('hex');
  return {
    'content-type': 'application/json',
    'X-Bettermode-Signature': signature,
    'X-Bettermode-Request-Timestamp': String(timestamp),
  };
}
