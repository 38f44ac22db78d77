import type { ResultInfo, RetryOptions } from './operations/operation-executor';
import { packageName } from './errors/package-name';

/** Options every client takes. */
export interface CommonClientOptions {
  /** The GraphQL endpoint. @defaultValue 'https://api.bettermode.com' */
  endpoint?: string | undefined;
  /**
   * A fetch to send requests with. Without it, Node uses `node:http` with keep-alive connections
   * and every other runtime the global `fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Refresh this long before the token expires (less for short-lived tokens). @defaultValue 60 */
  refreshLeewaySeconds?: number | undefined;
  /** Give up on a request after this long, body included. @defaultValue 10000 */
  requestTimeoutMs?: number | undefined;
  /**
   * Retries of queries that were rate limited, got a 502/503/504 or no answer; off unless given.
   * Mutations are retried only when their options say `idempotent: true`.
   */
  retry?: RetryOptions | undefined;
  /** Called with every answer's operation name and `extensions` (Bettermode's cost is `extensions.complexity`). */
  onResult?: ((info: ResultInfo) => void) | undefined;
}

/** Checks what every client takes; throws a TypeError naming the package. */
export function checkCommonOptions(options: CommonClientOptions) {
  const endpoint = options.endpoint ?? 'https://api.bettermode.com';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`${packageName}: endpoint must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError(`${packageName}: endpoint must be an http(s) URL, not ${url.protocol}`);
  // Bettermode authenticates with tokens; a password in the URL would only end up in error messages and logs.
  if (url.username !== '' || url.password !== '')
    throw new TypeError(`${packageName}: endpoint must not carry a user name or password`);
  const refreshLeewaySeconds = options.refreshLeewaySeconds ?? 60;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!Number.isFinite(refreshLeewaySeconds) || refreshLeewaySeconds < 0)
    throw new TypeError(`${packageName}: refreshLeewaySeconds must be zero or more`);
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0)
    throw new TypeError(`${packageName}: requestTimeoutMs must be a positive number`);
  if (options.retry !== undefined) {
    const { attempts = 3, maxDelayMs = 30_000 } = options.retry;
    if (!Number.isInteger(attempts) || attempts < 0)
      throw new TypeError(`${packageName}: retry.attempts must be a whole number, zero or more`);
    if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0)
      throw new TypeError(`${packageName}: retry.maxDelayMs must be zero or more`);
  }
  return { endpoint, refreshLeewaySeconds, requestTimeoutMs };
}
