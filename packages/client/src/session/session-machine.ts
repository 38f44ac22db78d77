import { BettermodeError, clientClosedError, SessionExpiredError, UnauthorizedError } from '../errors/bettermode-error';
import { ClientErrorCode } from '../errors/error-codes';
import { packageName } from '../errors/package-name';
import {
  parseStoredValue,
  serializeSession,
  toSession,
  type LoginCredentials,
  type Session,
  type SessionChangeListener,
  type SessionChangeReason,
  type StoredSession,
} from './session';
import type { SessionClock } from './session-clock';
import type { SessionStorage, StorageHint, StoredEntry } from '../storage/session-storage';
import { redact } from '../errors/redact';
import type { TokenApi } from './token-api';

/**
 * After the storage was out of reach (or lost its data), how long a holder whose member session is
 * due waits for the others to publish what they refreshed alone meanwhile, before refreshing
 * itself: longer than a storage's reconnect backoff (`redisStorage`: 0.5 s) plus
 * {@link republishEveryMs}. At most half a token's lifetime, so that holders refreshing alone
 * during an outage never fall a whole rotation behind each other.
 */
const settleMs = 3000;
/** How often a session the storage could not take is offered to it again. */
const republishEveryMs = 250;
/** How often the store is read again while settling, unless a hint comes first. */
const settlePollMs = 250;

/** What the machine works with. */
export interface SessionMachineOptions {
  storage: SessionStorage;
  /**
   * The community this holder's sessions belong to (endpoint and network, or app and network):
   * stored with every session, and compared with what the storage holds.
   */
  community: string;
  api: TokenApi;
  clock: SessionClock;
  onChange?: SessionChangeListener | undefined;
}

/** The start of every machine's queue: one settled promise serves them all. */
const settled: Promise<unknown> = Promise.resolve();

/**
 * The one place where the session changes.
 *
 * States: no session, guest, member. Transitions: the first guest token, refresh (a member's
 * `tokens(refreshToken)`, a guest's new guest token), login, logout, session expired (the
 * refresh token was refused), and adopting what another holder of the same storage stored.
 *
 * Rules, in the order a reader meets them below:
 * 1. Transitions run one at a time, in call order, in one queue; listeners are told after each
 *    one commits and are never awaited, so a listener may call the client.
 * 2. Every applied change bumps `generation`. Operations remember the generation of the token they
 *    sent; an auth failure for an older generation just retries with the current token. Once a
 *    token is refused, no operation sends it again: they wait for the recovery.
 * 3. Concurrent callers share one transition (single flight) keyed by what it starts from.
 * 4. Before refreshing, a holder takes the storage's lease, reads the store again and adopts a
 *    newer session instead of refreshing. Writes are compare-and-set on the version last seen:
 *    a refresh that lost the race adopts the winner's session; login and logout (the user's
 *    own acts) overwrite whatever is there.
 * 5. Only Bettermode's own refusal of a refresh token ends a member session, and only after the
 *    store shows no newer session. A transient failure keeps the session.
 * 6. A member session that nobody will hold any more (replaced by a login, or lost a race) is
 *    logged out on the server.
 * 7. After `close()` nothing is written and every queued transition fails with CLIENT_CLOSED.
 * 8. A stored session of another community is never adopted, sent or written over: every
 *    transition fails with STORAGE_CONFLICT until the storage holds this community's again.
 * 9. After an outage of the storage, the newest rotation wins, and it is published before anyone
 *    spends an older refresh token: a holder that refreshed alone (in memory) offers its session
 *    to the storage every {@link republishEveryMs} until it is taken, and before waiting for a
 *    lease; a stored copy of the same member session with an older `iat` is written over, not
 *    adopted; and a holder about to refresh while in doubt (the storage is down, came back, lost
 *    its data, or says it reconnected) first waits up to {@link settleMs} for the others to publish.
 */
export class SessionMachine {
  #session: StoredSession | null = null;
  #version = 0;
  #generation = 0;
  #loaded = false;
  #unsaved = false;
  #closed = false;
  // A server makes a machine per request: the collections below are made when first needed, so
  // a request that only sends with the cookie's token allocates none of them.
  #queue: Promise<unknown> = settled;
  #flights: Map<string, Promise<void>> | undefined;
  #notifications: [Session | null, SessionChangeReason][] | undefined;
  #syncRequested = false;
  #lastReason: SessionChangeReason = 'guest';
  #storageDown = false;
  #unsubscribe: (() => void) | undefined;
  #warned: Set<string> | undefined;
  /** The generation whose token Bettermode refused, while its recovery runs; -1 for none. */
  #refused = -1;
  /** The community of a stored session this holder must not touch (rule 8). */
  #foreign: string | null = null;
  /** Rule 9: until when a due member session waits for other holders to publish. */
  #settleUntil = 0;
  #republishTimer: ReturnType<typeof setTimeout> | undefined;
  #hintWaiters: Set<() => void> | undefined;
  readonly #storage: SessionStorage;
  readonly #community: string;
  readonly #api: TokenApi;
  readonly #clock: SessionClock;
  readonly #onChange: SessionChangeListener | undefined;

  constructor(options: SessionMachineOptions) {
    this.#storage = options.storage;
    this.#community = options.community;
    // A storage whose key was not chosen keys its entry by the community (a default Redis key).
    options.storage.useCommunity?.(options.community);
    this.#api = options.api;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
  }

  /** The session to send now, or null when a transition must run first. The operations' fast path. */
  usable(): StoredSession | null {
    const session = this.#session;
    // Rule 2: a token Bettermode just refused is not sent again while the recovery runs.
    if (this.#refused === this.#generation) return null;
    return session !== null && !this.#clock.isDue(session) ? session : null;
  }

  /** The current session even when due (after {@link prepare}, so a retry never loops). */
  get session(): StoredSession | null {
    return this.#session;
  }

  /** Bumped by every applied change. */
  get generation(): number {
    return this.#generation;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Makes the session usable: loads it, gets the first guest token, or refreshes one that is due. */
  prepare(): Promise<void> {
    return this.#flight(`prepare:${this.#generation}`, () => this.#prepare());
  }

  /** After Bettermode refused a token of `generation`: adopt a newer one, or refresh (once for all callers). */
  recover(generation: number): Promise<void> {
    if (generation === this.#generation) this.#refused = generation;
    return this.#flight(`recover:${generation}`, async () => {
      try {
        await this.#recover(generation);
      } finally {
        if (this.#refused === generation) this.#refused = -1;
      }
    });
  }

  login(credentials: LoginCredentials): Promise<Session> {
    return this.#enqueue(() => this.#login(credentials));
  }

  logout(): Promise<void> {
    return this.#enqueue(() => this.#logout());
  }

  /** The session as the store has it now. */
  async read(): Promise<Session | null> {
    await this.#enqueue(async () => {
      if (!(await this.#load())) await this.#sync(true);
    });
    return this.#session ? toSession(this.#session, this.#clock.offsetMs) : null;
  }

  /** The current tokens, to keep out of any message. */
  secrets(): string[] {
    return this.#session ? [this.#session.accessToken, this.#session.refreshToken] : [];
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#republishTimer);
    this.#wakeHintWaiters();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  // Rule 1: one transition at a time; listeners after it.
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      if (this.#closed) throw clientClosedError();
      try {
        const result = await work();
        // Rule 8: whatever the transition was, a foreign session in the store stops it here.
        if (this.#foreign !== null) throw this.#conflictError();
        return result;
      } finally {
        this.#notify();
        this.#scheduleRepublish();
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  // Rule 3: callers wanting the same transition share it.
  #flight(key: string, work: () => Promise<void>): Promise<void> {
    const flights = (this.#flights ??= new Map());
    let flight = flights.get(key);
    if (!flight) {
      flight = this.#enqueue(work).finally(() => flights.delete(key));
      flights.set(key, flight);
    }
    return flight;
  }

  async #prepare(): Promise<void> {
    await this.#load();
    this.#own();
    if (this.usable()) return;
    if (await this.#publishHeldBack()) return;
    // Rule 4: whatever was read before, read again once the lease is ours: a peer may have
    // refreshed while this holder waited for it.
    await this.#withLease(async () => {
      await this.#sync(true);
      this.#own();
      if (!this.usable()) await this.#renew();
    });
  }

  async #recover(generation: number): Promise<void> {
    await this.#load();
    this.#own();
    if (generation !== this.#generation) return;
    await this.#publishHeldBack();
    if (generation !== this.#generation) return;
    await this.#withLease(async () => {
      await this.#sync(true);
      this.#own();
      if (generation === this.#generation) await this.#renew();
    });
  }

  /**
   * Rule 9: a session the storage could not take is offered again before this holder waits for a
   * lease (a peer holding it may be waiting for exactly this). True when the session is usable now.
   */
  async #publishHeldBack(): Promise<boolean> {
    if (!this.#unsaved) return false;
    await this.#sync(true);
    this.#own();
    return this.usable() !== null;
  }

  /** Replaces a missing or due session: the network part of a refresh. */
  async #renew(): Promise<void> {
    if (this.#session?.kind === 'member') {
      await this.#settle();
      if (this.usable()) return;
    }
    const from = this.#session;
    // Guests and apps have no refresh token worth keeping: they start anew.
    if (from === null) {
      const started = await this.#api.start();
      return this.#commit(started, started.kind === 'app' ? 'login' : 'guest');
    }
    if (from.kind !== 'member') return this.#commit(await this.#api.start(), 'refresh');
    let next: StoredSession;
    try {
      next = await this.#api.refresh(from.refreshToken);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      // Rule 5: refused. A peer may have rotated the token meanwhile: the store decides.
      if ((await this.#sync(true)) && this.#session !== from) {
        if (this.#session && this.#clock.isDue(this.#session)) return this.#renew();
        return;
      }
      const guest = await this.#api.start().catch(() => null);
      await this.#commit(guest, 'session-expired');
      throw new SessionExpiredError(
        'The member session has ended (Bettermode refused its refresh token); log in again',
        {
          code: ClientErrorCode.SessionExpired,
          graphQLErrors: error.graphQLErrors,
        },
      );
    }
    await this.#commit(next, 'refresh');
  }

  async #login(credentials: LoginCredentials): Promise<Session> {
    await this.#load();
    return this.#withLease(async () => {
      await this.#sync(true);
      this.#own();
      if (!this.usable()) await this.#renew().catch(ignoreSessionExpired);
      if (!this.#session) await this.#commit(await this.#api.start(), 'guest');
      const replaced: StoredSession[] = [];
      const bearer = this.#session as StoredSession | null;
      if (!bearer) throw new BettermodeError('No token to log in with', { code: ClientErrorCode.InvalidResponse });
      let member: StoredSession;
      try {
        member = await this.#api.login(credentials, bearer.accessToken);
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        // The token sent was refused (revoked elsewhere): once more with a new guest token.
        if (bearer.kind === 'member') replaced.push(bearer);
        await this.#commit(await this.#api.start(), 'guest');
        member = await this.#api.login(credentials, (this.#session ?? bearer).accessToken);
      }
      replaced.push(...(await this.#commitOver(member, 'login')));
      // Rule 6: logging in while a member ends the earlier member session on the server.
      for (const old of replaced)
        if (old.kind === 'member' && old.sessionId !== member.sessionId) await this.#revokeQuietly(old);
      return toSession(member, this.#clock.offsetMs);
    });
  }

  async #logout(): Promise<void> {
    await this.#load();
    await this.#withLease(async () => {
      await this.#sync(true);
      this.#own();
      const session = this.#session;
      if (session?.kind !== 'member') return;
      let failure: unknown;
      try {
        await this.#revoke(session);
      } catch (error) {
        failure = error;
      }
      // Locally the member is gone whatever the server said.
      const replaced = await this.#commitOver(null, 'logout');
      for (const old of replaced)
        if (old.kind === 'member' && old.sessionId !== session.sessionId) await this.#revokeQuietly(old);
      if (failure) throw failure;
    });
  }

  /**
   * Ends a member session on the server, with a fresh token of it if its own is due. A refusal of
   * the token sent proves nothing by itself (it may have expired on the way): the logout is sent
   * once more with a fresh token, and only a refusal of that one, or of the refresh, means the
   * session had already ended.
   */
  async #revoke(session: StoredSession): Promise<void> {
    if (!session.sessionId) return;
    let bearer = session.accessToken;
    let fresh = false;
    const refreshed = async (): Promise<boolean> => {
      try {
        bearer = (await this.#api.refresh(session.refreshToken)).accessToken;
        fresh = true;
        return true;
      } catch (error) {
        if (error instanceof UnauthorizedError) return false; // the session had ended already
        throw error;
      }
    };
    if (this.#clock.isDue(session) && !(await refreshed())) return;
    for (;;) {
      try {
        await this.#api.logout(session.sessionId, bearer);
        return;
      } catch (error) {
        if (error instanceof BettermodeError && error.code === 'NOT_FOUND') return; // gone already
        if (!(error instanceof UnauthorizedError)) throw error;
        if (fresh || !(await refreshed())) return;
      }
    }
  }

  async #revokeQuietly(session: StoredSession): Promise<void> {
    if (this.#closed) return;
    await this.#revoke(session).catch(() => undefined);
  }

  /** Reads the storage the first time; true when it just did. */
  async #load(): Promise<boolean> {
    if (this.#loaded) return false;
    this.#loaded = true;
    let entry: StoredEntry;
    try {
      entry = await this.#storage.read();
    } catch {
      this.#warnOnce('read', 'the stored session could not be read; starting without one');
      this.#storageDown = true;
      entry = { value: null, version: 0 };
    }
    this.#adopt(entry, false);
    if (!this.#closed) this.#unsubscribe = this.#storage.subscribe((hint) => this.#onHint(hint));
    return true;
  }

  /**
   * Rule 9: in doubt whether the stored session is the newest one, waits (reading the store again
   * on every hint, and every {@link settlePollMs}) until the others had time to publish theirs.
   */
  async #settle(): Promise<void> {
    // While the storage is down, every refresh waits a moment for it: it may be coming back with a
    // rotation another holder made meanwhile.
    if (this.#storageDown) this.#doubt();
    while (!this.#closed && Date.now() < this.#settleUntil) {
      await this.#hintOrTimeout(Math.min(settlePollMs, this.#settleUntil - Date.now()));
      await this.#sync(true);
    }
    this.#own();
  }

  /** Rule 9: the stored session may not be the newest for a while. */
  #doubt(): void {
    const session = this.#session;
    const lifetime = session && session.issuedAt > 0 ? session.expiresAt - session.issuedAt : Infinity;
    this.#settleUntil = Math.max(this.#settleUntil, Date.now() + Math.min(settleMs, lifetime / 2));
  }

  #hintOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = (this.#hintWaiters ??= new Set());
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });
  }

  #wakeHintWaiters(): void {
    if (this.#hintWaiters) for (const wake of [...this.#hintWaiters]) wake();
  }

  /** Rule 9: offers a session the storage could not take again, until it is taken. */
  #scheduleRepublish(): void {
    if (!this.#unsaved || this.#closed || this.#foreign !== null || this.#republishTimer) return;
    this.#republishTimer = setTimeout(() => {
      this.#republishTimer = undefined;
      this.#onHint();
    }, republishEveryMs);
    // A held-back session must not keep a process alive that has nothing else to do.
    (this.#republishTimer as { unref?: () => void }).unref?.();
  }

  /** A hint that another holder wrote: read again, once for any number of hints in a row. */
  #onHint(hint?: StorageHint): void {
    if (hint?.reconnected) this.#doubt();
    this.#wakeHintWaiters();
    if (this.#syncRequested || this.#closed) return;
    this.#syncRequested = true;
    this.#enqueue(async () => {
      this.#syncRequested = false;
      await this.#sync(true);
    }).catch(() => undefined);
  }

  /**
   * Adopts the stored entry when another holder changed it, and saves ours when the storage
   * could not take it before (an outage) or lost it (a restarted Redis, a removed file: an empty
   * store is never a logout, which is stored). False when the storage could not be read.
   */
  async #sync(notify: boolean): Promise<boolean> {
    let entry: StoredEntry;
    try {
      entry = await this.#storage.read();
    } catch (error) {
      this.#storageFailed(error);
      // A lost read keeps the session in memory, and writes it back where the storage still takes
      // writes (a session file that something truncated): one holder's write heals it for all.
      if (this.#session !== null && !this.#closed && this.#foreign === null) {
        const written = await this.#write(this.#session, this.#lastReason);
        if (typeof written === 'number') {
          this.#version = written;
          this.#unsaved = false;
        }
      }
      return false;
    }
    this.#storageWorks();
    if (entry.version !== this.#version) {
      const lost = entry.version === 0 && entry.value === null && this.#session !== null;
      if (!lost && !this.#isNewerThan(entry)) {
        this.#adopt(entry, notify);
        return true;
      }
      // Rule 9: a store that lost its data, or holds an older rotation of this very session.
      if (lost && this.#version !== 0) this.#doubt();
      this.#version = entry.version;
      this.#unsaved = true;
    }
    if (this.#unsaved && !this.#closed) {
      const written = await this.#write(this.#session, this.#lastReason);
      if (written === null) return this.#sync(notify);
      if (written !== undefined) {
        this.#version = written;
        this.#unsaved = false;
      }
    }
    return true;
  }

  /** Rule 9: whether `ours` (this holder's session) is a later rotation of the member session stored in `entry`. */
  #isNewerThan(entry: StoredEntry, ours: StoredSession | null = this.#session): boolean {
    if (ours?.kind !== 'member' || ours.sessionId === null) return false;
    const parsed = parseStoredValue(entry.value);
    if (parsed === 'invalid' || parsed.community !== this.#community) return false;
    const stored = parsed.session;
    return stored?.kind === 'member' && stored.sessionId === ours.sessionId && stored.issuedAt < ours.issuedAt;
  }

  #adopt(entry: StoredEntry, notify: boolean): void {
    const parsed = parseStoredValue(entry.value);
    // Rule 8: another community's session is left as it is, unread and unsent.
    if (parsed !== 'invalid' && parsed.community !== null && parsed.community !== this.#community) {
      this.#foreign = parsed.community;
      this.#version = entry.version;
      this.#unsaved = false;
      if (this.#session !== null) this.#apply(null, entry.version, 'logout', notify);
      return;
    }
    this.#foreign = null;
    if (parsed === 'invalid') this.#warnOnce('invalid', 'the stored session is not valid; starting without one');
    const session = parsed === 'invalid' ? null : parsed.session;
    this.#unsaved = false;
    this.#apply(
      session,
      entry.version,
      parsed === 'invalid' ? 'logout' : parsed.reason,
      notify && (session !== null || this.#session !== null),
    );
  }

  // Rule 4: compare-and-set on the version last seen.
  async #commit(next: StoredSession | null, reason: SessionChangeReason): Promise<void> {
    let written = await this.#write(next, reason);
    // Rule 9: lost to a store that lost its data, or to an older rotation of this same session
    // (republished after an outage): ours stands.
    for (let attempt = 0; written === null && attempt < 5; attempt += 1) {
      const entry = await this.#storage.read().catch(() => null);
      if (entry === null || !(entry.value === null || this.#isNewerThan(entry, next))) break;
      this.#version = entry.version;
      written = await this.#write(next, reason);
    }
    if (written === null) {
      // Another holder wrote first: its session stands, and ours (if a member's) has no holder.
      const readable = await this.#sync(true);
      if (!readable) this.#apply(next, this.#version, reason, true);
      else if (next?.kind === 'member' && next.sessionId !== this.#session?.sessionId) await this.#revokeQuietly(next);
      return;
    }
    this.#apply(next, written ?? this.#version, reason, true);
    this.#unsaved = written === undefined;
  }

  /** Writes over whatever is stored (login, logout); returns the member sessions it replaced. */
  async #commitOver(next: StoredSession | null, reason: SessionChangeReason): Promise<StoredSession[]> {
    const replaced: StoredSession[] = [];
    for (let attempt = 0; ; attempt += 1) {
      const before = this.#session;
      if (before?.kind === 'member' && !replaced.some((old) => old.sessionId === before.sessionId))
        replaced.push(before);
      const written = attempt < 5 ? await this.#write(next, reason) : undefined;
      if (written !== null) {
        this.#apply(next, written ?? this.#version, reason, true);
        this.#unsaved = written === undefined;
        return replaced;
      }
      if (!(await this.#sync(false))) {
        this.#apply(next, this.#version, reason, true);
        return replaced;
      }
    }
  }

  /** The new version; null when another holder wrote first; undefined when the storage failed (kept in memory). */
  async #write(next: StoredSession | null, reason: SessionChangeReason): Promise<number | null | undefined> {
    // Rule 7: nothing is written after close(); rule 8: nor over another community's session.
    if (this.#closed) throw clientClosedError();
    if (this.#foreign !== null) throw this.#conflictError();
    try {
      const written = await this.#storage.write(serializeSession(next, reason, this.#community), this.#version);
      this.#storageWorks();
      return written;
    } catch (error) {
      this.#storageFailed(error);
      return undefined;
    }
  }

  /** One warning per outage of the storage; the session goes on in memory meanwhile. */
  #storageFailed(error: unknown): void {
    if (this.#storageDown) return;
    this.#storageDown = true;
    const reason = error instanceof Error ? redact(error.message) : 'unknown error';
    console.warn(
      `${packageName}: the session storage failed (${reason}); the session is kept in memory and shared again once the storage works`,
    );
  }

  #storageWorks(): void {
    if (!this.#storageDown) return;
    this.#storageDown = false;
    // Rule 9: other holders may have refreshed alone meanwhile, and are about to publish.
    this.#doubt();
  }

  #apply(next: StoredSession | null, version: number, reason: SessionChangeReason, notify: boolean): void {
    this.#lastReason = reason;
    this.#session = next;
    this.#version = version;
    this.#generation += 1;
    if (notify && this.#onChange)
      (this.#notifications ??= []).push([next ? toSession(next, this.#clock.offsetMs) : null, reason]);
  }

  async #withLease<T>(work: () => Promise<T>): Promise<T> {
    const locking = this.#storage.lock().catch(() => null);
    // Rule 9: the holder of the lease may be waiting for the session this one holds back.
    let locked = false;
    void locking.then(() => (locked = true));
    while (this.#unsaved && !locked && !this.#closed) {
      await Promise.race([locking, new Promise((resolve) => setTimeout(resolve, republishEveryMs))]);
      if (!locked && this.#foreign === null) await this.#sync(true);
    }
    const lease = await locking;
    try {
      return await work();
    } finally {
      await lease?.release().catch(() => undefined);
    }
  }

  #notify(): void {
    const pending = this.#notifications;
    if (pending === undefined) return;
    this.#notifications = undefined;
    for (const [session, reason] of pending) {
      try {
        this.#onChange?.(session, reason);
      } catch (error) {
        this.#warnOnce(
          'listener',
          `an onSessionChange listener threw (${error instanceof Error ? error.name : typeof error}); the session change stands`,
        );
      }
    }
  }

  /** Rule 8: stops a transition before it sends anything when the store holds another community's session. */
  #own(): void {
    if (this.#foreign !== null) throw this.#conflictError();
  }

  #conflictError(): BettermodeError {
    return new BettermodeError(
      `The session storage holds a session of another community (${this.#foreign}), not of ${this.#community}: ` +
        'give each community a storage (or key) of its own',
      { code: ClientErrorCode.StorageConflict },
    );
  }

  #warnOnce(key: string, message: string): void {
    this.#warned ??= new Set();
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    console.warn(`${packageName}: ${message}`);
  }
}

function ignoreSessionExpired(error: unknown): void {
  if (!(error instanceof SessionExpiredError)) throw error;
}
