export { createBettermodeClient } from './create-bettermode-client';
export { memoryStorage } from './memory-storage';
export { webStorage } from './web-storage';
export {
  AppCredentialsError,
  BettermodeError,
  ClientClosedError,
  ForbiddenError,
  HttpError,
  InvalidCredentialsError,
  InvalidResponseError,
  NetworkError,
  RateLimitedError,
  SessionExpiredError,
  TimeoutError,
  UnauthorizedError,
} from './bettermode-error';
export { ApiErrorCode, ClientErrorCode } from './error-codes';
export type { BettermodeClient, BettermodeClientOptions, LoginCredentials } from './create-bettermode-client';
export type { BettermodeOperations } from './client-core';
export type { CommonClientOptions } from './client-options';
export type { ResultInfo, RetryOptions } from './operation-executor';
export type { BettermodeErrorDetails, BettermodeGraphQLError } from './bettermode-error';
export type { MemoryStorageOptions } from './memory-storage';
export type { Session, SessionChangeListener, SessionChangeReason } from './session';
export type { SessionLease, SessionStorage, StoredEntry } from './session-storage';
export type { WebStorageLike, WebStorageOptions } from './web-storage';
