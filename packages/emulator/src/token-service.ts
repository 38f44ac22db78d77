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
  iat: number;
  exp: number;
}

/** Who a session belongs to: a member id, or a guest id for guest sessions. */
export interface SessionOwner {
  memberId: string;
  guest: boolean;
}

interface StoredRefreshToken extends SessionOwner {
  sessionId: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  clockToleranceSeconds: number;
}

const algorithm = 'HS256';

/**
 * Signs and verifies access tokens (HS256 JWTs) and keeps the opaque refresh tokens, which are
 * stored only as SHA-256 digests, rotated on every use and revoked with their session.
 */
export class TokenService {
  readonly #refreshTokens = new Map<string, StoredRefreshToken>();
  readonly #sessions = new Map<string, SessionOwner>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly lifetimes: TokenLifetimes,
    private readonly now: () => number = Date.now,
  ) {}

  async signAccessToken(claims: Omit<AccessTokenClaims, 'iat' | 'exp'>): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      // Two tokens issued within the same second must still differ.
      .setJti(randomBytes(9).toString('base64url'))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.lifetimes.accessTokenTtlSeconds)
      .sign(this.secret);
  }

  /** The token's claims, or null for anything not signed here, expired, or of a revoked session. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, this.secret, {
        algorithms: [algorithm],
        requiredClaims: ['exp', 'iat', 'id', 'networkId', 'sid'],
        clockTolerance: this.lifetimes.clockToleranceSeconds,
        currentDate: new Date(this.now()),
      });
      if (!this.#sessions.has(payload.sid)) return null;
      return payload;
    } catch {
      return null;
    }
  }

  /** Starts a session and returns its first refresh token. */
  openSession(owner: SessionOwner): { sessionId: string; refreshToken: string } {
    const sessionId = randomBytes(12).toString('base64url');
    this.#sessions.set(sessionId, owner);
    return { sessionId, refreshToken: this.#issueRefreshToken(sessionId, owner) };
  }

  /**
   * Trades a refresh token for the next one of its session. A token that is unknown, expired,
   * of a revoked session or already used gives null; reuse also revokes the session, since one
   * of the two holders must be a thief.
   */
  rotateRefreshToken(refreshToken: string): { sessionId: string; refreshToken: string; owner: SessionOwner } | null {
    const key = digest(refreshToken);
    const stored = this.#refreshTokens.get(key);
    if (!stored || !this.#sessions.has(stored.sessionId)) return null;
    if (stored.used) {
      this.revokeSession(stored.sessionId);
      return null;
    }
    if (stored.expiresAt <= this.now()) {
      this.#refreshTokens.delete(key);
      return null;
    }
    stored.used = true;
    const owner = { memberId: stored.memberId, guest: stored.guest };
    return { sessionId: stored.sessionId, refreshToken: this.#issueRefreshToken(stored.sessionId, owner), owner };
  }

  /** Revokes a session: its refresh tokens and its access tokens stop working. */
  revokeSession(sessionId: string): void {
    this.#sessions.delete(sessionId);
    for (const [key, stored] of this.#refreshTokens) {
      if (stored.sessionId === sessionId) this.#refreshTokens.delete(key);
    }
  }

  /** Who an open session belongs to; undefined once it is revoked (or never was). */
  sessionOwner(sessionId: string): SessionOwner | undefined {
    return this.#sessions.get(sessionId);
  }

  #issueRefreshToken(sessionId: string, owner: SessionOwner): string {
    const token = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(digest(token), {
      ...owner,
      sessionId,
      expiresAt: this.now() + this.lifetimes.refreshTokenTtlSeconds * 1000,
      used: false,
    });
    return token;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
