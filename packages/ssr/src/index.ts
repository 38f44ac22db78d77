export { createSessionCookies } from './create-session-cookies';
export { memoryCoordination } from './session-coordination';
export type { RequestSession, SessionCookies, SessionCookiesOptions } from './create-session-cookies';
export type { CoordinationLease, SessionCoordination } from './session-coordination';
