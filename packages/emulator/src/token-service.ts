import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { EmulatorRole } from './emulator-seed';

/** The claims of an emulator access token: the ones Bettermode's own tokens carry, plus the session. */
export interface AccessTokenClaims {
  /** The member id (`GUEST_…` for guests). */
  id: string;
  networkId: string;
  networkDomain: string;
  role: string;
  roleId: string;
  roleType: EmulatorRole['type'];
  /** The session the token belongs to; revoking it rejects the token too. */
  sid: string;
  /** The app acting, for app tokens (`limitedToken`). */
  appId?: string;
  /** Issued at, in seconds with millisecond precision. */
  iat: number;
  /** Expires at, in seconds with millisecond precision. */
  exp: number;
}

/** Who a session belongs to: a member id (or a guest id) and, for app tokens, the app. */
export interface SessionOwner {
  memberId: string;
  guest: boolean;
  appId?: string;
}

/** The tokens of one issue or rotation. */
export interface IssuedTokens {
  sessionId: string;
  owner: SessionOwner;
  accessToken: string;
  refreshToken: string;
}

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  clockToleranceSeconds: number;
  /** How long a just-rotated refresh token may be presented again and get the same answer. */
  refreshReuseGraceSeconds: number;
  /** Guest sessions kept at most; the oldest are dropped first. */
  maxGuestSessions: number;
  /** Member and app sessions kept at most; the oldest are dropped first. */
  maxMemberSessions: number;
}

interface SessionRecord {
  owner: SessionOwner;
  /** When the session's live refresh token expires. */
  expiresAt: number;
  /** Digests of its refresh tokens, oldest first; only the last few are remembered. */
  refreshDigests: string[];
}

interface RefreshRecord {
  sessionId: string;
  expiresAt: number;
  /** Set when the token was spent: when, and what it was traded for. */
  spent?: { at: number; child: Promise<IssuedTokens>; childDigest: string };
}

/** Spent refresh tokens remembered per session, for reuse detection. */
const rememberedRefreshTokens = 8;
const algorithm = 'HS256';

/** A signer for the access token of a session (the resolvers know the claims). */
export type AccessTokenSigner = (owner: SessionOwner, sessionId: string) => Promise<string>;

/**
 * Signs and verifies access tokens (HS256 JWTs, `iat` and `exp` with millisecond precision) and
 * keeps the opaque refresh tokens, stored only as SHA-256 digests and rotated on every use.
 *
 * Reuse: a spent refresh token presented again within the grace window, while the token it was
 * traded for is still unspent, gets that same answer again (a client that lost the answer can
 * retry); any other reuse revokes the whole session, since one of the two holders must be a thief.
 * Memory stays bounded: expired sessions are swept, guest sessions are capped, and only the last
 * few spent tokens of a session are remembered.
 */
export class TokenService {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #refreshTokens = new Map<string, RefreshRecord>();
  #guestSessions = 0;
  #lastSweep = 0;
  readonly counts = { refreshes: 0, revokedByReuse: 0, reuseGraceAnswers: 0 };
  /** Told when reuse revokes a session (the emulator sends a webhook). */
  onRevokedByReuse: ((owner: SessionOwner) => void) | undefined;

  constructor(
    private readonly secret: Uint8Array,
    private readonly lifetimes: TokenLifetimes,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long access tokens live. */
  get accessTokenTtlSeconds(): number {
    return this.lifetimes.accessTokenTtlSeconds;
  }

  async signAccessToken(claims: Omit<AccessTokenClaims, 'iat' | 'exp'>): Promise<string> {
    const issuedAt = this.now() / 1000;
    return (
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        // Two tokens issued within the same millisecond must still differ.
        .setJti(randomBytes(9).toString('base64url'))
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + this.lifetimes.accessTokenTtlSeconds)
        .sign(this.secret)
    );
  }

  /** The token's claims, or null for anything not signed here, expired, or of a revoked session. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims | null> {
    try {
      const now = this.now();
      const { payload } = await jwtVerify<AccessTokenClaims>(token, this.secret, {
        algorithms: [algorithm],
        requiredClaims: ['exp', 'iat', 'id', 'networkId', 'sid'],
        clockTolerance: this.lifetimes.clockToleranceSeconds,
        currentDate: new Date(now),
      });
      // jose compares whole seconds; exp is checked to the millisecond here.
      if (payload.exp * 1000 + this.lifetimes.clockToleranceSeconds * 1000 <= now) return null;
      if (!this.#sessions.has(payload.sid)) return null;
      return payload;
    } catch {
      return null;
    }
  }

  /**
   * Starts a session and issues its first tokens. An app's session (`ttlSeconds`) ends with its
   * access token: apps mint a new one instead of refreshing.
   */
  async openSession(
    owner: SessionOwner,
    sign: AccessTokenSigner,
    options: { ttlSeconds?: number } = {},
  ): Promise<IssuedTokens> {
    this.#sweep();
    const sessionId = randomBytes(12).toString('base64url');
    this.#sessions.set(sessionId, { owner, expiresAt: 0, refreshDigests: [] });
    if (owner.guest) {
      this.#guestSessions += 1;
      this.#capGuests();
    } else this.#capMembers();
    const refreshToken = this.#issueRefreshToken(sessionId, options.ttlSeconds);
    return { sessionId, owner, refreshToken, accessToken: await sign(owner, sessionId) };
  }

  /**
   * Trades a refresh token for the next tokens of its session. Null for a token that is unknown,
   * expired, of a revoked session, or reused outside the grace window (which revokes the session).
   */
  async rotateRefreshToken(refreshToken: string, sign: AccessTokenSigner): Promise<IssuedTokens | null> {
    const digest = digestOf(refreshToken);
    const record = this.#refreshTokens.get(digest);
    const session = record && this.#sessions.get(record.sessionId);
    if (!record || !session) return null;
    const now = this.now();
    if (record.spent) {
      const childRecord = this.#refreshTokens.get(record.spent.childDigest);
      const childUnspent = childRecord !== undefined && !childRecord.spent;
      if (childUnspent && now - record.spent.at <= this.lifetimes.refreshReuseGraceSeconds * 1000) {
        this.counts.reuseGraceAnswers += 1;
        return record.spent.child;
      }
      this.counts.revokedByReuse += 1;
      this.onRevokedByReuse?.(session.owner);
      this.revokeSession(record.sessionId);
      return null;
    }
    if (record.expiresAt <= now) return null;
    this.counts.refreshes += 1;
    const next = this.#issueRefreshToken(record.sessionId);
    const child = sign(session.owner, record.sessionId).then((accessToken) => ({
      sessionId: record.sessionId,
      owner: session.owner,
      refreshToken: next,
      accessToken,
    }));
    record.spent = { at: now, child, childDigest: digestOf(next) };
    return child;
  }

  /** Revokes a session: its refresh tokens and its access tokens stop working. */
  revokeSession(sessionId: string): void {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    this.#sessions.delete(sessionId);
    if (session.owner.guest) this.#guestSessions -= 1;
    for (const digest of session.refreshDigests) this.#refreshTokens.delete(digest);
  }

  /** Who an open session belongs to; undefined once it is revoked (or never was). */
  sessionOwner(sessionId: string): SessionOwner | undefined {
    return this.#sessions.get(sessionId)?.owner;
  }

  /** Open sessions: members' (apps' included) and guests'. */
  liveSessions(): { member: number; guest: number } {
    this.#sweep(true);
    return { member: this.#sessions.size - this.#guestSessions, guest: this.#guestSessions };
  }

  #issueRefreshToken(sessionId: string, ttlSeconds = this.lifetimes.refreshTokenTtlSeconds): string {
    const session = this.#sessions.get(sessionId) as SessionRecord;
    const token = randomBytes(32).toString('base64url');
    const digest = digestOf(token);
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.#refreshTokens.set(digest, { sessionId, expiresAt });
    session.expiresAt = expiresAt;
    session.refreshDigests.push(digest);
    while (session.refreshDigests.length > rememberedRefreshTokens)
      this.#refreshTokens.delete(session.refreshDigests.shift() as string);
    return token;
  }

  /** Drops sessions whose live refresh token expired; at most once a second unless forced. */
  #sweep(force = false): void {
    const now = this.now();
    if (!force && now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [sessionId, session] of this.#sessions)
      if (session.expiresAt > 0 && session.expiresAt <= now) this.revokeSession(sessionId);
  }

  #capMembers(): void {
    const members = () => this.#sessions.size - this.#guestSessions;
    if (members() <= this.lifetimes.maxMemberSessions) return;
    for (const [sessionId, session] of this.#sessions) {
      if (members() <= this.lifetimes.maxMemberSessions) break;
      if (!session.owner.guest) this.revokeSession(sessionId);
    }
  }

  #capGuests(): void {
    if (this.#guestSessions <= this.lifetimes.maxGuestSessions) return;
    // Map order is insertion order: the first guest sessions found are the oldest.
    for (const [sessionId, session] of this.#sessions) {
      if (this.#guestSessions <= this.lifetimes.maxGuestSessions) break;
      if (session.owner.guest) this.revokeSession(sessionId);
    }
  }
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
