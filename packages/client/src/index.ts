export { createBettermodeClient } from './create-bettermode-client';
export { memoryStorage } from './memory-storage';
export { webStorage } from './web-storage';
export {
  BettermodeError,
  HttpError,
  InvalidCredentialsError,
  InvalidResponseError,
  NetworkError,
  RateLimitError,
  SessionExpiredError,
  TimeoutError,
  UnauthorizedError,
} from './bettermode-error';
export { ApiErrorCode, ClientErrorCode } from './error-codes';
export type { BettermodeClient, BettermodeClientOptions, LoginCredentials } from './create-bettermode-client';
export type { BettermodeErrorDetails, BettermodeGraphQLError } from './bettermode-error';
export type { Session, SessionChangeReason } from './session';
export type { SessionChangeListener } from './session-keeper';
export type { SessionStorage } from './session-storage';
export type { WebStorageLike } from './web-storage';
