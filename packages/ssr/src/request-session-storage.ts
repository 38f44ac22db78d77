import { parseStoredValue, type SessionLease, type SessionStorage, type StoredEntry } from '@bettermode-kit/client';
import type { SessionCoordination } from './session-coordination';
import { openSuccessor, sealSuccessor, successorName } from './successor-box';

/** How far a chain of successors is followed (a cookie several refreshes behind). */
const maxHops = 8;

/** What {@link RequestSessionStorage} needs of the app's settings. */
export interface RequestSessionSettings {
  coordination: SessionCoordination;
  successorWindowMs: number;
  leaseMs: number;
  /** Told when the coordination store fails; the request then goes on with what its cookie holds. */
  onCoordinationFailure(error: unknown): void;
}

/**
 * One request's session as a {@link SessionStorage}, so the client's own state machine runs the
 * refresh:
 *
 * - it starts from the request's cookie, and, from its second read on (under the lock, before a
 *   refresh), reads through the successors other requests recorded (a cookie whose refresh token
 *   was spent elsewhere gets the session that replaced it);
 * - the refresh lease is a lock in the coordination store named by the refresh token's hash, so
 *   requests carrying one cookie, in any process, refresh once;
 * - a refresh is recorded as the spent token's successor for the window (only if none is there:
 *   the compare-and-set), sealed with that token; so is a refused refresh (the guest session that
 *   follows the member's), so one refusal ends the session for every request carrying the cookie;
 * - what is written ends up in the response's cookie.
 */
export class RequestSessionStorage implements SessionStorage {
  #value: string | null;
  #version: number;
  #reads = 0;
  readonly #initial: string | null;
  readonly #settings: RequestSessionSettings;

  constructor(cookieValue: string | null, settings: RequestSessionSettings) {
    this.#value = cookieValue;
    this.#initial = cookieValue;
    this.#version = cookieValue === null ? 0 : 1;
    this.#settings = settings;
  }

  /** The session value as it stands now (null for none). */
  get value(): string | null {
    return this.#value;
  }

  /** Whether the response must carry a new cookie. */
  get changed(): boolean {
    return this.#value !== this.#initial;
  }

  useCommunity(community: string): void {
    // A cookie of another app on this domain (another community) is no session of ours.
    const parsed = this.#value === null ? 'invalid' : parseStoredValue(this.#value);
    if (this.#value !== null && (parsed === 'invalid' || parsed.community !== community)) {
      this.#value = null;
      this.#version = 0;
    }
  }

  async read(): Promise<StoredEntry> {
    // The client's first read only decides whether the cookie's token is still good to send: a
    // token another request replaced is still valid until it is due, and a due one is read again
    // under the lock before any refresh. So most requests never touch the coordination store.
    if (this.#reads++ === 0) return { value: this.#value, version: this.#version };
    for (let hop = 0; hop < maxHops; hop += 1) {
      const refreshToken = memberRefreshToken(this.#value);
      if (refreshToken === null) break;
      let sealed: string | null;
      try {
        sealed = await this.#settings.coordination.get(await successorName(refreshToken));
      } catch (error) {
        // The store is down: the cookie's own session is the best this request knows.
        this.#settings.onCoordinationFailure(error);
        break;
      }
      const next = sealed === null ? null : await openSuccessor(refreshToken, sealed);
      if (next === null) break;
      this.#value = next;
      this.#version += 1;
    }
    return { value: this.#value, version: this.#version };
  }

  async write(value: string, expectedVersion: number): Promise<number | null> {
    if (expectedVersion !== this.#version) return null;
    const spent = memberRefreshToken(this.#value);
    const parsed = parseStoredValue(value);
    // A refresh's outcome is shared, whether a new member session or the end of this one (the
    // refresh token refused: the guest session that follows): the other requests carrying the
    // spent token adopt it instead of sending that token again.
    const outcome =
      parsed !== 'invalid' &&
      ((parsed.reason === 'refresh' && parsed.session?.kind === 'member') || parsed.reason === 'session-expired');
    if (spent !== null && outcome) {
      const recorded = await this.#settings.coordination
        .add(await successorName(spent), await sealSuccessor(spent, value), this.#settings.successorWindowMs)
        .catch((error: unknown) => {
          // The token is spent either way: this request's cookie carries the new session.
          this.#settings.onCoordinationFailure(error);
          return true;
        });
      // Another request recorded a successor first: the client reads it and adopts it.
      if (!recorded) return null;
    }
    this.#value = value;
    this.#version += 1;
    return this.#version;
  }

  async lock(): Promise<SessionLease | null> {
    const refreshToken = memberRefreshToken(this.#value);
    // Guests start anew rather than refresh: nothing to agree on.
    if (refreshToken === null) return { release: async () => undefined };
    return this.#settings.coordination.lock(`lock:${await successorName(refreshToken)}`, this.#settings.leaseMs);
  }

  subscribe(): () => void {
    // One request: nobody else writes this storage; other requests' refreshes are found by read().
    return () => undefined;
  }
}

/** The refresh token of a member session value; null for guests, apps, no session or a bad value. */
function memberRefreshToken(value: string | null): string | null {
  if (value === null) return null;
  const parsed = parseStoredValue(value);
  if (parsed === 'invalid' || parsed.session?.kind !== 'member') return null;
  return parsed.session.refreshToken;
}
