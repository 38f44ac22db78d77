import { ClientErrorCode } from './error-codes';
import { packageName } from './package-name';
import { redact, redactValue } from './redact';

/** A GraphQL error as the API sent it (message, path and extensions), redacted. */
export interface BettermodeGraphQLError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** What a {@link BettermodeError} is built from. */
export interface BettermodeErrorDetails {
  /** The API's own code (`extensions.code`) where it sent one, else one of this package's codes. */
  code: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number | undefined;
  graphQLErrors?: readonly BettermodeGraphQLError[] | undefined;
  cause?: unknown;
  /** Values (a password, the current tokens) to cut out besides anything JWT-shaped. */
  secrets?: readonly string[] | undefined;
  /** What the answer's `data` held beside its errors (a mutation whose first field ran). */
  data?: unknown;
}

/**
 * Every failure the client reports. No form of it (message, stack, cause, `graphQLErrors` with
 * their extensions, `util.inspect`, `JSON.stringify`) contains an access token, a refresh token
 * or a password: everything is redacted when the error is made.
 */
export class BettermodeError extends Error {
  override readonly name: string = 'BettermodeError';
  /** The API's code (e.g. `108` for Unauthorized) or one of this package's (`NETWORK_ERROR`, `TIMEOUT`, …). */
  readonly code: string;
  readonly status: number | undefined;
  readonly graphQLErrors: readonly BettermodeGraphQLError[];
  /**
   * The answer's `data` beside its errors, redacted like the rest, when it had any: a mutation
   * whose first field ran and whose second was refused is never sent again, so what it did is
   * here. Left out of `JSON.stringify`.
   */
  readonly data: unknown;

  constructor(message: string, details: BettermodeErrorDetails) {
    const secrets = details.secrets ?? [];
    super(
      redact(message, secrets),
      details.cause === undefined ? undefined : { cause: safeCause(details.cause, secrets) },
    );
    this.code = details.code;
    this.status = details.status;
    this.data = details.data == null ? undefined : redactValue(details.data, secrets);
    this.graphQLErrors = (details.graphQLErrors ?? []).map((error) => ({
      message: redact(String(error.message), secrets),
      ...(error.path ? { path: [...error.path] } : {}),
      ...(error.extensions ? { extensions: redactValue(error.extensions, secrets) as Record<string, unknown> } : {}),
    }));
  }

  /** What `JSON.stringify` shows: the class, message, code, status and GraphQL errors. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      graphQLErrors: this.graphQLErrors,
    };
  }
}

/**
 * A cause is kept for its class, message and system code (ECONNREFUSED, …), never as the
 * original object, which may hold request headers or bodies.
 */
function safeCause(cause: unknown, secrets: readonly string[], depth = 0): Error {
  const source = cause instanceof Error ? cause : new Error(String(cause));
  const copy = new Error(
    redact(source.message, secrets),
    source.cause !== undefined && depth < 3 ? { cause: safeCause(source.cause, secrets, depth + 1) } : undefined,
  );
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/** Bettermode refused the token (`Unauthorized`, code 108) even after one refresh. */
export class UnauthorizedError extends BettermodeError {
  override readonly name = 'UnauthorizedError';
}

/** `login` with a wrong username, email or password. The session stays as it was. */
export class InvalidCredentialsError extends BettermodeError {
  override readonly name = 'InvalidCredentialsError';
}

/** The member session ended: Bettermode refused its refresh token. The client is a guest again. */
export class SessionExpiredError extends BettermodeError {
  override readonly name = 'SessionExpiredError';
}

/** Bettermode refused the request for its rate limit (HTTP 429, or the API's code). */
export class RateLimitedError extends BettermodeError {
  override readonly name = 'RateLimitedError';
  /** How long to wait before the next request, from `Retry-After` or the error's own wait, when given. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: BettermodeErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** Bettermode's permission error (code 102): e.g. an app asking for a token on a network it is not installed on. */
export class ForbiddenError extends BettermodeError {
  override readonly name = 'ForbiddenError';
}

/** An app's client id or secret was refused at `limitedToken`. */
export class AppCredentialsError extends BettermodeError {
  override readonly name = 'AppCredentialsError';
}

/** The API could not be reached: connection refused or reset, DNS failure. */
export class NetworkError extends BettermodeError {
  override readonly name = 'NetworkError';
}

/** No whole answer within the request timeout (or the operation's deadline). */
export class TimeoutError extends BettermodeError {
  override readonly name = 'TimeoutError';
}

/** An HTTP error status without a usable GraphQL answer (e.g. a 502 HTML page, a proxy's bare 401), or a 5xx. */
export class HttpError extends BettermodeError {
  override readonly name = 'HttpError';
}

/** A 2xx answer that is not a GraphQL result: empty, truncated or not JSON. */
export class InvalidResponseError extends BettermodeError {
  override readonly name = 'InvalidResponseError';
}

/**
 * `paginate` cannot walk the connection: a cursor came back that it had already sent (the walk
 * would loop), the answer holds no connection (or several and no `path`), or the operation has no
 * cursor variable. `code` says which.
 */
export class PaginationError extends BettermodeError {
  override readonly name = 'PaginationError';
}

/** The client was closed before the work finished, or is used after `close()`. */
export class ClientClosedError extends BettermodeError {
  override readonly name = 'ClientClosedError';
}

/** The error for work refused or ended because the client was closed. */
export function clientClosedError(): ClientClosedError {
  return new ClientClosedError(`${packageName}: the client is closed`, { code: ClientErrorCode.ClientClosed });
}
