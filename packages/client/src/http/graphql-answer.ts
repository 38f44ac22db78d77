import {
  AppCredentialsError,
  BettermodeError,
  ClientClosedError,
  ForbiddenError,
  HttpError,
  InvalidCredentialsError,
  InvalidResponseError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  type BettermodeGraphQLError,
} from '../errors/bettermode-error';
import { withoutUrlCredentials } from '@bettermode-kit/internal';
import { ApiErrorCode, ClientErrorCode } from '../errors/error-codes';
import { isTransportFailure, type TransportResponse } from '../transport/transport';

/** Bettermode's burst window: the wait when a rate-limit refusal names none. */
const defaultRateWindowMs = 10_000;

/** A GraphQL result as it came over HTTP. */
export interface GraphqlAnswer {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: BettermodeGraphQLError[] | undefined;
  extensions: Record<string, unknown> | undefined;
  retryAfter: string | null;
}

/**
 * Reads an HTTP answer: a GraphQL result (with or without errors), or the typed error for what
 * came instead (an HTML 502, a proxy's bare 401, an empty or truncated body, a 429).
 */
export function readGraphqlAnswer(response: TransportResponse): GraphqlAnswer | BettermodeError {
  const { status } = response;
  let parsed: unknown;
  try {
    parsed = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    parsed = undefined;
  }
  const result = isGraphqlResult(parsed) ? parsed : undefined;
  if (status === 429) {
    return new RateLimitedError('Bettermode answered HTTP 429 Too Many Requests', {
      code: ApiErrorCode.RateLimited,
      status,
      graphQLErrors: result?.errors,
      retryAfterMs: retryAfterMs(response.retryAfter, result?.errors?.[0]) ?? defaultRateWindowMs,
    });
  }
  if (result && status < 500) {
    return {
      status,
      data: result.data,
      errors: result.errors,
      extensions: result.extensions,
      retryAfter: response.retryAfter,
    };
  }
  if (status < 200 || status >= 300) {
    return new HttpError(`Bettermode answered HTTP ${status} without a GraphQL result`, {
      code: ClientErrorCode.Http,
      status,
      graphQLErrors: result?.errors,
    });
  }
  // A 2xx whose body was empty, truncated or not JSON. The body itself is left out on purpose.
  return new InvalidResponseError(`Bettermode answered HTTP ${status} with a body that is not a GraphQL result`, {
    code: ClientErrorCode.InvalidResponse,
    status,
  });
}

function isGraphqlResult(value: unknown): value is {
  data?: Record<string, unknown> | null;
  errors?: BettermodeGraphQLError[];
  extensions?: Record<string, unknown>;
} {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as { data?: unknown; errors?: unknown };
  return 'data' in candidate || Array.isArray(candidate.errors);
}

/** A refusal for the rate limit, sent as a GraphQL error (code 104 or RATE_LIMITED) rather than HTTP 429. */
export function isRateLimited(error: BettermodeGraphQLError | undefined): boolean {
  const code = error?.extensions?.code === undefined ? undefined : String(error.extensions.code);
  return code === ApiErrorCode.RequestLimit || code === ApiErrorCode.RateLimited;
}

/** Bettermode's own refusal of a token: the message `Unauthorized` (as its CLI checks) or code 108. */
export function isUnauthorized(error: BettermodeGraphQLError | undefined): boolean {
  return (
    error !== undefined &&
    (error.message === 'Unauthorized' || String(error.extensions?.code) === ApiErrorCode.Unauthorized)
  );
}

/**
 * The typed error for a GraphQL result's first error; with `data`, the answer's data rides on it
 * (operations only: a token call's data may hold a new refresh token no secret list names).
 */
export function errorFromAnswer(
  answer: GraphqlAnswer,
  secrets: readonly string[] = [],
  data?: unknown,
): BettermodeError {
  const errors = answer.errors ?? [];
  const first = errors[0];
  const code = first?.extensions?.code === undefined ? undefined : String(first.extensions.code);
  const details = {
    code: code ?? ClientErrorCode.GraphQL,
    status: answer.status,
    graphQLErrors: errors,
    secrets,
    data,
  };
  if (errors.some(isUnauthorized))
    return new UnauthorizedError('Unauthorized', { ...details, code: ApiErrorCode.Unauthorized });
  if (code === ApiErrorCode.InvalidCredentials)
    return new InvalidCredentialsError(first?.message ?? 'Invalid credentials', details);
  if (code === ApiErrorCode.InvalidAppCredentials)
    return new AppCredentialsError(first?.message ?? 'Invalid app credentials', details);
  if (code === ApiErrorCode.Forbidden || code === 'FORBIDDEN')
    return new ForbiddenError(first?.message ?? 'Forbidden', details);
  if (code === ApiErrorCode.RateLimited || code === ApiErrorCode.RequestLimit) {
    return new RateLimitedError(first?.message ?? 'Rate limited', {
      ...details,
      retryAfterMs: retryAfterMs(answer.retryAfter, first) ?? defaultRateWindowMs,
    });
  }
  return new BettermodeError(first?.message ?? 'Bettermode answered with an error', details);
}

/** The error for a request that got no HTTP answer. */
export function errorFromFailure(failure: unknown): BettermodeError {
  if (failure instanceof BettermodeError) return failure;
  if (isTransportFailure(failure)) {
    if (failure.transportFailure === 'timeout')
      return new TimeoutError('Bettermode did not answer in time', { code: ClientErrorCode.Timeout });
    if (failure.transportFailure === 'cancelled')
      return new ClientClosedError('The request was cancelled', { code: ClientErrorCode.ClientClosed });
    const reason = rootReason(failure.cause);
    return new NetworkError(`Could not reach Bettermode${reason ? ` (${reason})` : ''}`, {
      code: ClientErrorCode.Network,
      cause: failure.cause,
    });
  }
  return new NetworkError('Could not reach Bettermode', { code: ClientErrorCode.Network, cause: failure });
}

/** The innermost system code (ECONNREFUSED, ENOTFOUND, …) or message of a failure's causes. */
function rootReason(error: unknown): string | undefined {
  let reason: string | undefined;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') reason = code;
    else if (current.message && current.message !== 'fetch failed') reason = withoutUrlCredentials(current.message);
  }
  return reason;
}

/**
 * How long to wait, in ms: from `Retry-After` (seconds or an HTTP date), else from the error's
 * own `retryAfterMs` / `retryAfterSeconds` / `retryAfter` (seconds) extension.
 */
export function retryAfterMs(
  header: string | null,
  error: BettermodeGraphQLError | undefined,
  now = Date.now(),
): number | undefined {
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const extensions = error?.extensions ?? {};
  const ms = Number(extensions.retryAfterMs);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(extensions.retryAfterSeconds ?? extensions.retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}
