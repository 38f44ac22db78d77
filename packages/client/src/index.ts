export { createBettermodeClient, createBettermodeClientFactory } from './create-bettermode-client';
export { paginate } from './operations/paginate';
export { parseStoredValue } from './session/session';
export { memoryStorage } from './storage/memory-storage';
export { webStorage } from './storage/web-storage';
export {
  AppCredentialsError,
  BettermodeError,
  ClientClosedError,
  ForbiddenError,
  HttpError,
  InvalidCredentialsError,
  InvalidResponseError,
  NetworkError,
  PaginationError,
  RateLimitedError,
  SessionExpiredError,
  TimeoutError,
  UnauthorizedError,
} from './errors/bettermode-error';
export { ApiErrorCode, ClientErrorCode } from './errors/error-codes';
export type {
  BettermodeClient,
  BettermodeClientFactory,
  BettermodeClientFactoryOptions,
  BettermodeClientOptions,
} from './create-bettermode-client';
export type { BettermodeOperations, GraphqlResult, OperationOptions } from './operations/client-core';
export type { CommonClientOptions } from './client-options';
export type { ResultInfo, RetryOptions } from './operations/operation-executor';
export type { OperationKind } from './operations/operation-kind';
export type { ConnectionNode, Page, PaginateOptions, PaginationSource, Paginator } from './operations/paginate';
export type { BettermodeErrorDetails, BettermodeGraphQLError } from './errors/bettermode-error';
export type { MemoryStorageOptions } from './storage/memory-storage';
export type {
  LoginCredentials,
  Session,
  SessionChangeListener,
  SessionChangeReason,
  StoredSession,
  StoredValue,
} from './session/session';
export type { SessionLease, SessionStorage, StorageHint, StoredEntry } from './storage/session-storage';
export type { WebStorageLike, WebStorageOptions } from './storage/web-storage';
