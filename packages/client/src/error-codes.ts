/** Codes of failures that did not come from the API itself. */
export const ClientErrorCode = {
  Network: 'NETWORK_ERROR',
  Timeout: 'TIMEOUT',
  Http: 'HTTP_ERROR',
  InvalidResponse: 'INVALID_RESPONSE',
  SessionExpired: 'SESSION_EXPIRED',
  GraphQL: 'GRAPHQL_ERROR',
} as const;

/** Codes the Bettermode API (and its emulator) put in `extensions.code`. */
export const ApiErrorCode = {
  Unauthorized: '108',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  RateLimited: 'RATE_LIMITED',
} as const;
