import type { AuthTokenFieldsFragment, RoleType } from '@bettermode-kit/operations';
import { decodeJwtClaims } from './decode-jwt-claims';

/** Who the client is acting as. Tokens are never part of it. */
export interface Session {
  /** `app`: an app client's token (its bot account, or the member it impersonates). */
  kind: 'guest' | 'member' | 'app';
  member: { id: string; name: string | null; username: string };
  role: { id: string; name: string; type: RoleType | null; scopes: string[] };
  /** When the access token expires, on this machine's clock. */
  expiresAt: Date;
}

/**
 * Why the session changed, as told to `onSessionChange`. A change made by another holder of a
 * shared storage is reported with that holder's reason.
 */
/** A member's credentials for a login: sent as variables of `loginNetwork`, never kept. */
export interface LoginCredentials {
  usernameOrEmail: string;
  password: string;
}

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
  /** Where to send operations with this token, when the API named one (`AppToken.gatewayUrl`). */
  endpoint?: string;
}

/**
 * What a storage holds: the session (null after a logout), why it was last changed, and the
 * community it belongs to (the endpoint and network of the holder that wrote it), so a holder for
 * another community never sends its tokens nor writes over it.
 */
interface Envelope {
  v: 3;
  reason: SessionChangeReason;
  session: StoredSession | null;
  community: string;
}

/** What a stored value says. */
export interface StoredValue {
  session: StoredSession | null;
  reason: SessionChangeReason;
  /** The community it belongs to; null for no value at all. */
  community: string | null;
}

/**
 * Builds a stored session from an AuthToken answer. `exp` and `iat` are taken at their own
 * precision (whole seconds or finer); a token that cannot be decoded counts as expired. The token
 * is never verified here: only the server can.
 */
export function storedSessionFrom(token: AuthTokenFieldsFragment, kind: Session['kind']): StoredSession {
  const { expiresAt, issuedAt } = tokenTimes(token.accessToken);
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

/**
 * Builds a stored session from an app token (`limitedToken`): who it acts as is read from the
 * token's claims (the bot account or the impersonated member); there is no refresh token.
 */
export function storedAppSessionFrom(token: { accessToken: string; gatewayUrl: string | null }): StoredSession {
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwtClaims(token.accessToken);
  } catch {
    // Unreadable: still usable, and due at once.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    kind: 'app',
    accessToken: token.accessToken,
    refreshToken: '',
    sessionId: null,
    member: { id: text(claims.id), name: null, username: '' },
    role: {
      id: text(claims.roleId),
      name: text(claims.role),
      type: (text(claims.roleType) || null) as RoleType | null,
      scopes: [],
    },
    ...tokenTimes(token.accessToken),
    ...(token.gatewayUrl ? { endpoint: token.gatewayUrl } : {}),
  };
}

function tokenTimes(accessToken: string): { expiresAt: number; issuedAt: number } {
  try {
    const { exp, iat } = decodeJwtClaims(accessToken);
    return {
      expiresAt: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : 0,
      issuedAt: typeof iat === 'number' && Number.isFinite(iat) ? iat * 1000 : 0,
    };
  } catch {
    // Unreadable: expiresAt 0 makes it due at once.
    return { expiresAt: 0, issuedAt: 0 };
  }
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

/** The text a storage keeps for a session change of `community`. */
export function serializeSession(
  session: StoredSession | null,
  reason: SessionChangeReason,
  community: string,
): string {
  const envelope: Envelope = { v: 3, reason, session, community };
  return JSON.stringify(envelope);
}

/**
 * Parses what a storage holds; `invalid` for anything that is not a stored session. For storages
 * that must look inside the value they keep (a server-held session keyed by its refresh token).
 */
export function parseStoredValue(text: string | null): StoredValue | 'invalid' {
  if (text === null) return { session: null, reason: 'logout', community: null };
  // A value is read several times per transition, and a server on cookies reads the same member's
  // value on every request of that member: the last few are kept (their results are never
  // modified, only replaced).
  const known = parsedValues.get(text);
  if (known !== undefined) return known;
  const parsed = freezeValue(parseStoredText(text));
  if (parsedValues.size >= parsedValuesKept) parsedValues.delete(parsedValues.keys().next().value as string);
  parsedValues.set(text, parsed);
  return parsed;
}

const parsedValuesKept = 64;
const parsedValues = new Map<string, StoredValue | 'invalid'>();

/** Kept results are shared: frozen, so that no reader can change what the next one gets. */
function freezeValue(parsed: StoredValue | 'invalid'): StoredValue | 'invalid' {
  if (parsed === 'invalid') return parsed;
  if (parsed.session) {
    Object.freeze(parsed.session.member);
    Object.freeze(parsed.session.role.scopes);
    Object.freeze(parsed.session.role);
    Object.freeze(parsed.session);
  }
  return Object.freeze(parsed);
}

function parseStoredText(text: string): StoredValue | 'invalid' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  const envelope = value as Partial<Envelope> | null;
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    envelope.v !== 3 ||
    !isReason(envelope.reason) ||
    typeof envelope.community !== 'string'
  )
    return 'invalid';
  const { reason, community } = envelope;
  if (envelope.session === null) return { session: null, reason, community };
  if (!isStoredSession(envelope.session)) return 'invalid';
  // Only an app token's gateway, which the API itself named, redirects operations; any other
  // session read from a storage goes to the client's own endpoint, whatever the value says.
  const { endpoint, ...session } = envelope.session;
  return {
    session: session.kind === 'app' && endpoint !== undefined ? { ...session, endpoint } : session,
    reason,
    community,
  };
}

const reasons: readonly string[] = ['guest', 'login', 'refresh', 'logout', 'session-expired'];
const isReason = (value: unknown): value is SessionChangeReason => typeof value === 'string' && reasons.includes(value);

function isStoredSession(value: unknown): value is StoredSession {
  const candidate = value as Partial<StoredSession> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    (candidate.kind === 'guest' || candidate.kind === 'member' || candidate.kind === 'app') &&
    typeof candidate.accessToken === 'string' &&
    typeof candidate.refreshToken === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    typeof candidate.issuedAt === 'number' &&
    typeof candidate.member?.id === 'string' &&
    typeof candidate.role?.name === 'string' &&
    Array.isArray(candidate.role?.scopes) &&
    (candidate.endpoint === undefined || typeof candidate.endpoint === 'string')
  );
}
