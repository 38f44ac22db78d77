import type { AuthTokenFieldsFragment, RoleType } from '@bettermode-kit/operations';
import { decodeJwt } from 'jose/jwt/decode';

/** Who the client is acting as. Tokens are never part of it. */
export interface Session {
  kind: 'guest' | 'member';
  member: { id: string; name: string | null; username: string };
  role: { id: string; name: string; type: RoleType | null; scopes: string[] };
  /** When the access token expires, on this machine's clock. */
  expiresAt: Date;
}

/** Why the session changed, as told to `onSessionChange`. */
export type SessionChangeReason = 'guest' | 'login' | 'refresh' | 'logout' | 'session-expired';

/** The session with its tokens, as kept in a {@link SessionStorage}. */
export interface StoredSession {
  version: 1;
  kind: Session['kind'];
  accessToken: string;
  refreshToken: string;
  /** The member session id, for `logoutNetwork`. */
  sessionId: string | null;
  member: Session['member'];
  role: Session['role'];
  /** Access token expiry in ms on this machine's clock (server skew already corrected). */
  expiresAt: number;
  /** When the token was received, in ms on this machine's clock. */
  receivedAt: number;
}

/**
 * Builds a stored session from an AuthToken answer. The expiry comes from the token's `exp`,
 * moved onto this machine's clock by the skew seen in `iat` (the server just issued it); a token
 * that cannot be decoded counts as already expired. The token is never verified here.
 */
export function storedSessionFrom(token: AuthTokenFieldsFragment, kind: Session['kind'], now = Date.now()): StoredSession {
  return {
    version: 1,
    kind,
    accessToken: token.accessToken,
    refreshToken: token.refreshToken,
    sessionId: kind === 'member' ? (token.member.activeSession?.id ?? null) : null,
    member: { id: token.member.id, name: token.member.name, username: token.member.username },
    role: { id: token.role.id, name: token.role.name, type: token.role.type, scopes: [...token.role.scopes] },
    expiresAt: localExpiry(token.accessToken, now),
    receivedAt: now,
  };
}

function localExpiry(accessToken: string, now: number): number {
  try {
    const { exp, iat } = decodeJwt(accessToken);
    if (typeof exp !== 'number') return 0;
    const skew = typeof iat === 'number' ? iat * 1000 - now : 0;
    return exp * 1000 - skew;
  } catch {
    return 0;
  }
}

/** The public view of a stored session. */
export function toSession(stored: StoredSession): Session {
  return { kind: stored.kind, member: { ...stored.member }, role: { ...stored.role, scopes: [...stored.role.scopes] }, expiresAt: new Date(stored.expiresAt) };
}

/** Parses what a storage returned; anything that is not a stored session gives null. */
export function parseStoredSession(text: string): StoredSession | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<StoredSession>;
  const valid =
    candidate.version === 1 &&
    (candidate.kind === 'guest' || candidate.kind === 'member') &&
    typeof candidate.accessToken === 'string' &&
    typeof candidate.refreshToken === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof candidate.receivedAt === 'number' &&
    typeof candidate.member?.id === 'string' &&
    typeof candidate.role?.name === 'string' &&
    Array.isArray(candidate.role?.scopes);
  return valid ? (candidate as StoredSession) : null;
}
