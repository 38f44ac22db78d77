import type { CombinedError } from '@urql/core';
import {
  BettermodeError,
  HttpError,
  InvalidCredentialsError,
  InvalidResponseError,
  NetworkError,
  RateLimitError,
  TimeoutError,
  UnauthorizedError,
  type BettermodeGraphQLError,
} from './bettermode-error';
import { ApiErrorCode, ClientErrorCode } from './error-codes';

/** Bettermode's own CLI recognises an auth failure by this first message; so do we, plus code 108 and HTTP 401. */
export function isAuthError(error: CombinedError): boolean {
  if (error.response?.status === 401) return true;
  return error.graphQLErrors.some((graphQLError) => isUnauthorized(graphQLError));
}

function isUnauthorized(error: BettermodeGraphQLError): boolean {
  return error.message === 'Unauthorized' || String(error.extensions?.code) === ApiErrorCode.Unauthorized;
}

/** Turns urql's CombinedError into the matching typed {@link BettermodeError}. */
export function toBettermodeError(error: CombinedError, secrets: readonly string[] = []): BettermodeError {
  const { networkError, graphQLErrors } = error;
  if (networkError instanceof BettermodeError) return networkError;
  const status: number | undefined = error.response?.status;
  const first = graphQLErrors[0];

  if (first && !(status !== undefined && status >= 500)) {
    const code = first.extensions?.code === undefined ? undefined : String(first.extensions.code);
    const details = { code: code ?? ClientErrorCode.GraphQL, status, graphQLErrors, secrets };
    if (isUnauthorized(first)) return new UnauthorizedError('Unauthorized', { ...details, code: ApiErrorCode.Unauthorized });
    if (code === ApiErrorCode.InvalidCredentials) return new InvalidCredentialsError(first.message, details);
    if (code === ApiErrorCode.RateLimited) {
      const retryAfterSeconds = Number(first.extensions?.retryAfterSeconds);
      return new RateLimitError(first.message, { ...details, ...(Number.isFinite(retryAfterSeconds) ? { retryAfterSeconds } : {}) });
    }
    return new BettermodeError(first.message, details);
  }

  if (networkError && (networkError.name === 'TimeoutError' || networkError.name === 'AbortError')) {
    return new TimeoutError('Bettermode did not answer in time', { code: ClientErrorCode.Timeout });
  }
  if (status === 401) return new UnauthorizedError('Unauthorized', { code: ApiErrorCode.Unauthorized, status });
  if (status === 429) return new RateLimitError('Bettermode answered HTTP 429 Too Many Requests', { code: ApiErrorCode.RateLimited, status });
  if (status !== undefined && (status < 200 || status >= 300)) {
    return new HttpError(`Bettermode answered HTTP ${status} without a GraphQL result`, { code: ClientErrorCode.Http, status, graphQLErrors });
  }
  if (status !== undefined) {
    // A 2xx whose body was empty, truncated or not JSON. The body itself is left out on purpose.
    return new InvalidResponseError(`Bettermode answered HTTP ${status} with a body that is not a GraphQL result`, {
      code: ClientErrorCode.InvalidResponse,
      status,
    });
  }
  return new NetworkError('Could not reach Bettermode', { code: ClientErrorCode.Network, cause: networkError?.cause ?? networkError });
}
