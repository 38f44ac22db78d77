/** Codes of failures that did not come from the API itself. */
export const ClientErrorCode = {
  Network: 'NETWORK_ERROR',
  Timeout: 'TIMEOUT',
  Http: 'HTTP_ERROR',
  InvalidResponse: 'INVALID_RESPONSE',
  SessionExpired: 'SESSION_EXPIRED',
  GraphQL: 'GRAPHQL_ERROR',
  ClientClosed: 'CLIENT_CLOSED',
  /** The storage holds the session of another community (another endpoint or network). */
  StorageConflict: 'STORAGE_CONFLICT',
  /** `paginate`: the server answered a cursor it had answered before, so the walk would never end. */
  PaginationCursorRepeated: 'PAGINATION_CURSOR_REPEATED',
  /** `paginate`: no connection (`pageInfo` with `nodes` or `edges`) in the answer, or several and no `path`. */
  PaginationNoConnection: 'PAGINATION_NO_CONNECTION',
  /** `paginate`: the operation declares no cursor variable (`$after`) to send the next page's cursor in. */
  PaginationNoCursorVariable: 'PAGINATION_NO_CURSOR_VARIABLE',
} as const;

/** Codes the Bettermode API (and its emulator) put in `extensions.code`. */
export const ApiErrorCode = {
  /** Bettermode's "invalid access token"; sent with the message `Unauthorized`. */
  Unauthorized: '108',
  /** Bettermode's "request limit reached". */
  RequestLimit: '104',
  /** Bettermode's "permission" error (e.g. an app not installed on the network). */
  Forbidden: '102',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  InvalidAppCredentials: 'INVALID_APP_CREDENTIALS',
  RateLimited: 'RATE_LIMITED',
} as const;
