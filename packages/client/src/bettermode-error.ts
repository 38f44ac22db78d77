import { redact } from './redact';

/** A GraphQL error as the API sent it (message, path and extensions). */
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
  status?: number;
  graphQLErrors?: readonly BettermodeGraphQLError[];
  cause?: unknown;
  /** Values (a password, the current tokens) to cut out of the messages besides anything JWT-shaped. */
  secrets?: readonly string[];
}

/**
 * Every failure the client reports. The message never contains an access token, a refresh
 * token or a password: it is redacted when the error is made.
 */
export class BettermodeError extends Error {
  override readonly name: string = 'BettermodeError';
  /** The API's code (e.g. `108` for Unauthorized) or one of this package's (`NETWORK_ERROR`, `TIMEOUT`, …). */
  readonly code: string;
  readonly status: number | undefined;
  readonly graphQLErrors: readonly BettermodeGraphQLError[];

  constructor(message: string, details: BettermodeErrorDetails) {
    super(redact(message, details.secrets), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.status = details.status;
    this.graphQLErrors = (details.graphQLErrors ?? []).map((error) => ({
      message: redact(error.message, details.secrets),
      ...(error.path ? { path: error.path } : {}),
      ...(error.extensions ? { extensions: error.extensions } : {}),
    }));
  }
}

/** The token was refused (`Unauthorized`, code 108, or HTTP 401) even after one refresh. */
export class UnauthorizedError extends BettermodeError {
  override readonly name = 'UnauthorizedError';
}

/** `login` with a wrong username, email or password. The session stays as it was. */
export class InvalidCredentialsError extends BettermodeError {
  override readonly name = 'InvalidCredentialsError';
}

/** The member session ended: its refresh token was refused. The client is back to a guest session. */
export class SessionExpiredError extends BettermodeError {
  override readonly name = 'SessionExpiredError';
}

/** Too many requests or login attempts. */
export class RateLimitError extends BettermodeError {
  override readonly name = 'RateLimitError';
  /** Seconds to wait, when the API said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: BettermodeErrorDetails & { retryAfterSeconds?: number }) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** The API could not be reached: connection refused or reset, DNS failure. */
export class NetworkError extends BettermodeError {
  override readonly name = 'NetworkError';
}

/** No answer within the request timeout. */
export class TimeoutError extends BettermodeError {
  override readonly name = 'TimeoutError';
}

/** An HTTP error status without a GraphQL answer (e.g. a 502 HTML page), or a 5xx. */
export class HttpError extends BettermodeError {
  override readonly name = 'HttpError';
}

/** A 2xx answer that is not a GraphQL result: empty, truncated or not JSON. */
export class InvalidResponseError extends BettermodeError {
  override readonly name = 'InvalidResponseError';
}
