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

/**
 * Why the session changed, as told to `onSessionChange`. A change made by another holder of a
 * shared storage is reported with that holder's reason.
 */
export type SessionChangeReason = 'guest' | 'login' | 'refresh' | 'logout' | 'session-expired';

/** Called after every session change; null means no session (after a logout). */
export type SessionChangeListener = (session: Session | null, reason: SessionChangeReason) => void;

/** The session with its tokens, as kept in a storage. */
export interface StoredSession {
  kind: Session['kind'];
  accessToken: string;
  refreshToken: string;
  /** The member session id, for `logoutNetwork`. */
  sessionId: string | null;
  member: Session['member'];
  role: Session['role'];
  /** The token's `exp` in ms since the epoch, on the server's clock; 0 when it cannot be read. */
  expiresAt: number;
  /** The token's `iat` in ms, on the server's clock; 0 when it cannot be read. */
  issuedAt: number;
}

/** What a storage holds: the session (null after a logout) and why it was last changed. */
interface Envelope {
  v: 2;
  reason: SessionChangeReason;
  session: StoredSession | null;
}

/**
 * Builds a stored session from an AuthToken answer. `exp` and `iat` are taken at their own
 * precision (whole seconds or finer); a token that cannot be decoded counts as expired. The token
 * is never verified here: only the server can.
 */
export function storedSessionFrom(token: AuthTokenFieldsFragment, kind: Session['kind']): StoredSession {
  let expiresAt = 0;
  let issuedAt = 0;
  try {
    const { exp, iat } = decodeJwt(token.accessToken);
    if (typeof exp === 'number' && Number.isFinite(exp)) expiresAt = exp * 1000;
    if (typeof iat === 'number' && Number.isFinite(iat)) issuedAt = iat * 1000;
  } catch {
    // Unreadable: expiresAt 0 makes it due at once.
  }
  return {
    kind,
    accessToken: token.accessToken,
    refreshToken: token.refreshToken,
    sessionId: kind === 'member' ? (token.member.activeSession?.id ?? null) : null,
    member: { id: token.member.id, name: token.member.name, username: token.member.username },
    role: { id: token.role.id, name: token.role.name, type: token.role.type, scopes: [...token.role.scopes] },
    expiresAt,
    issuedAt,
  };
}

/** The public view of a stored session; `offsetMs` is the server's clock minus this machine's. */
export function toSession(stored: StoredSession, offsetMs = 0): Session {
  return {
    kind: stored.kind,
    member: { ...stored.member },
    role: { ...stored.role, scopes: [...stored.role.scopes] },
    expiresAt: new Date(stored.expiresAt - offsetMs),
  };
}

/** The text a storage keeps for a session change. */
export function serializeSession(session: StoredSession | null, reason: SessionChangeReason): string {
  const envelope: Envelope = { v: 2, reason, session };
  return JSON.stringify(envelope);
}

/** Parses what a storage holds; `invalid` for anything that is not a stored session. */
export function parseStoredValue(text: string | null): { session: StoredSession | null; reason: SessionChangeReason } | 'invalid' {
  if (text === null) return { session: null, reason: 'logout' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  const envelope = value as Partial<Envelope> | null;
  if (typeof envelope !== 'object' || envelope === null || envelope.v !== 2 || !isReason(envelope.reason)) return 'invalid';
  if (envelope.session === null) return { session: null, reason: envelope.reason };
  return isStoredSession(envelope.session) ? { session: envelope.session, reason: envelope.reason } : 'invalid';
}

const reasons: readonly string[] = ['guest', 'login', 'refresh', 'logout', 'session-expired'];
const isReason = (value: unknown): value is SessionChangeReason => typeof value === 'string' && reasons.includes(value);

function isStoredSession(value: unknown): value is StoredSession {
  const candidate = value as Partial<StoredSession> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    (candidate.kind === 'guest' || candidate.kind === 'member') &&
    typeof candidate.accessToken === 'string' &&
    typeof candidate.refreshToken === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof candidate.issuedAt === 'number' &&
    typeof candidate.member?.id === 'string' &&
    typeof candidate.role?.name === 'string' &&
    Array.isArray(candidate.role?.scopes)
  );
}
