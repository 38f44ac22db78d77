import { clientInternals, createClientCore, type BettermodeOperations } from './operations/client-core';
import { checkCommonOptions, type CommonClientOptions } from './client-options';
import { defaultTransport } from './transport/default-transport';
import { memoryStorage } from './storage/memory-storage';
import type { LoginCredentials, Session, SessionChangeListener } from './session/session';
import { SessionClock } from './session/session-clock';
import { SessionMachine } from './session/session-machine';
import type { SessionStorage } from './storage/session-storage';
import { createTokenApi } from './session/token-api';
import { fetchTransport } from './transport/fetch-transport';
import { packageName } from './errors/package-name';

/** Options of {@link createBettermodeClient}. */
export interface BettermodeClientOptions extends CommonClientOptions {
  /** The community address guests get tokens for, e.g. 'community.bettermode.io'. Required unless `networkId` is given. */
  networkDomain?: string | undefined;
  /** The network id, instead of `networkDomain`. */
  networkId?: string | undefined;
  /**
   * Where the session is kept. Holders that share one storage share one session.
   * @defaultValue memoryStorage()
   */
  storage?: SessionStorage | undefined;
  /**
   * Called after every session change, never awaited; a listener that throws is reported once
   * with a warning and changes nothing.
   * @remarks Reasons: `guest` (first guest token), `login`, `refresh`, `logout`, `session-expired`
   * (the refresh token was refused; the session is a guest's again). A change made by another
   * holder of the same storage is reported with its reason.
   */
  onSessionChange?: SessionChangeListener | undefined;
}

/** A Bettermode API client for a guest or a member. */
export interface BettermodeClient extends BettermodeOperations {
  /**
   * Logs a member in and makes later operations use the member token. Always wins over a refresh
   * that began before it; logging in while a member ends the earlier session on the server.
   */
  login(credentials: LoginCredentials): Promise<Session>;
  /** Ends the member session on the server (`logoutNetwork`); later operations are a guest's. */
  logout(): Promise<void>;
  /**
   * The current session, or null before the first operation and after a logout. Never includes tokens.
   * With `{ fresh: true }`, a session that is due is refreshed first (and a client with no session
   * gets its guest token): what a server's middleware calls to renew a cookie before rendering.
   */
  getSession(options?: { fresh?: boolean | undefined }): Promise<Session | null>;
  /**
   * Calls `listener` after every session change, as the `onSessionChange` option does (this
   * client's changes and those another holder of the storage made); returns the unsubscribe.
   */
  onSessionChange(listener: SessionChangeListener): () => void;
  /** Stops the client: pending work fails with `CLIENT_CLOSED`, nothing is written afterwards, nothing keeps the process alive. */
  close(): void;
}

/**
 * Creates a client that gets a guest token on its own, swaps in the member token at
 * {@link BettermodeClient.login}, and refreshes tokens before they expire.
 *
 * @example
 * ```ts
 * import { createBettermodeClient } from '@bettermode-kit/client';
 * import { AuthMemberDocument } from '@bettermode-kit/operations';
 *
 * const bm = createBettermodeClient({ networkDomain: 'community.bettermode.io' });
 * await bm.login({ usernameOrEmail: 'bettermodeuser', password: process.env.PASSWORD! });
 * const { authMember } = await bm.query(AuthMemberDocument, {});
 * ```
 */
export function createBettermodeClient(options: BettermodeClientOptions): BettermodeClient {
  // A client of its own: its connections close with it.
  return clientMaker(options)(options.storage, { onSessionChange: options.onSessionChange }, true);
}

/** Options of {@link createBettermodeClientFactory}: a client's, but the storage is given per client. */
export type BettermodeClientFactoryOptions = Omit<BettermodeClientOptions, 'storage' | 'onSessionChange'>;

/** Makes clients of one community that share the connections (see {@link createBettermodeClientFactory}). */
export interface BettermodeClientFactory {
  /**
   * A client on `storage` (one request's session, say), sending through the factory's connections.
   * Its `close()` leaves those open.
   */
  client(storage?: SessionStorage, options?: { onSessionChange?: SessionChangeListener | undefined }): BettermodeClient;
  /** Closes the shared connections; the clients made stop working. */
  close(): void;
}

/**
 * Checks the options once and makes any number of clients that share one set of connections:
 * for servers that hold a session per request (each request's client on its own session, none
 * sharing a cache), where a client per request with connections of its own would open sockets per
 * request.
 *
 * @example
 * ```ts
 * const clients = createBettermodeClientFactory({ networkDomain: 'community.bettermode.io' });
 * const bm = clients.client(storageOfThisRequest);
 * // … bm.close() at the end of the request; clients.close() at shutdown
 * ```
 */
export function createBettermodeClientFactory(options: BettermodeClientFactoryOptions): BettermodeClientFactory {
  const make = clientMaker(options);
  return { client: (storage, clientOptions) => make(storage, clientOptions, false), close: make.close };
}

/** Checks the options once; returns what builds clients on the same connections. */
function clientMaker(options: BettermodeClientFactoryOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${packageName}: options are required`);
  if (!options.networkDomain && !options.networkId) {
    throw new TypeError(`${packageName}: networkDomain (or networkId) is required, e.g. 'community.bettermode.io'`);
  }
  const settings = checkCommonOptions(options);
  const transport = options.fetch ? fetchTransport(options.fetch) : defaultTransport();
  const network = options.networkId ? { networkId: options.networkId } : { networkDomain: options.networkDomain };
  const community = `${settings.endpoint} ${options.networkId ? `networkId:${options.networkId}` : options.networkDomain}`;

  function client(
    storage: SessionStorage | undefined,
    clientOptions: { onSessionChange?: SessionChangeListener | undefined } = {},
    ownsConnections: boolean,
  ): BettermodeClient {
    if (storage !== undefined && typeof storage?.lock !== 'function') {
      throw new TypeError(
        `${packageName}: storage must be a SessionStorage (memoryStorage(), webStorage(), fileStorage(), redisStorage())`,
      );
    }
    const clock = new SessionClock(settings.refreshLeewaySeconds * 1000);
    // Made when a listener comes: a server's client per request usually has none.
    let listeners: Set<SessionChangeListener> | undefined;
    if (clientOptions.onSessionChange) listeners = new Set([clientOptions.onSessionChange]);
    const api = createTokenApi({
      transport,
      url: settings.endpoint,
      timeoutMs: settings.requestTimeoutMs,
      network,
      clock,
      secrets: () => machine.secrets(),
    });
    const machine: SessionMachine = new SessionMachine({
      storage: storage ?? memoryStorage(),
      community,
      api,
      clock,
      // Each listener on its own: one that throws is reported by the machine and stops no other.
      onChange: (session, reason) => {
        if (listeners === undefined) return;
        let failure: { error: unknown } | undefined;
        for (const listener of [...listeners]) {
          try {
            listener(session, reason);
          } catch (error) {
            failure ??= { error };
          }
        }
        if (failure) throw failure.error;
      },
    });
    // Fields spelled out, not `...settings`: the spread made each client cost about 12 µs of CPU
    // instead of 2, which a server making a client per request pays on every request.
    const core = createClientCore({
      endpoint: settings.endpoint,
      requestTimeoutMs: settings.requestTimeoutMs,
      machine,
      transport,
      clock,
      retry: options.retry,
      onResult: options.onResult,
      onClose: ownsConnections ? () => transport.close() : undefined,
    });

    const bm: BettermodeClient & Pick<typeof core, typeof clientInternals> = {
      [clientInternals]: core[clientInternals],
      query: core.query,
      mutate: core.mutate,
      rawRequest: core.rawRequest,
      login(credentials) {
        const { usernameOrEmail, password } = credentials ?? {};
        if (
          typeof usernameOrEmail !== 'string' ||
          usernameOrEmail === '' ||
          typeof password !== 'string' ||
          password === ''
        ) {
          return Promise.reject(new TypeError(`${packageName}: login() needs a usernameOrEmail and a password`));
        }
        return core.track(machine.login({ usernameOrEmail, password }));
      },
      logout: () => core.track(machine.logout()),
      getSession: (getOptions) =>
        core.track(getOptions?.fresh ? machine.prepare().then(() => machine.read()) : machine.read()),
      onSessionChange(listener) {
        if (typeof listener !== 'function') throw new TypeError(`${packageName}: onSessionChange() needs a function`);
        const entry: SessionChangeListener = (session, reason) => listener(session, reason);
        (listeners ??= new Set()).add(entry);
        return () => void listeners?.delete(entry);
      },
      close: () => core.close(),
    };
    return bm;
  }

  return Object.assign(client, { close: () => transport.close() });
}
