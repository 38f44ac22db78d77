/**
 * The `extensions.code` of every error the emulator answers. `Unauthorized` keeps Bettermode's
 * own shape (message `Unauthorized`, code `108`): clients detect auth failures by that message.
 */
export const EmulatorErrorCode = {
  Unauthorized: '108',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  RateLimited: 'RATE_LIMITED',
  NetworkNotFound: 'NETWORK_NOT_FOUND',
  NotFound: 'NOT_FOUND',
  BadUserInput: 'BAD_USER_INPUT',
  NotImplemented: 'NOT_IMPLEMENTED',
  /** Bettermode's permission error. */
  Forbidden: '102',
  /** Bettermode's "request limit reached". */
  RequestLimit: '104',
  InvalidAppCredentials: 'INVALID_APP_CREDENTIALS',
  /** A query over the per-query complexity cap (Bettermode does not publish its own code for it). */
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
} as const;

/** One of the codes in {@link EmulatorErrorCode}. */
export type EmulatorErrorCode = (typeof EmulatorErrorCode)[keyof typeof EmulatorErrorCode];
