export { printable } from './printable';
export { withoutUrlCredentials } from './without-url-credentials';
export { LeaseMutex, type SessionLease } from './lease-mutex';
export { joinChunks, readLimitedBody } from './read-limited-body';
