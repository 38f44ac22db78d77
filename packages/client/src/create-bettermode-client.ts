import {
  LoginNetworkDocument,
  LogoutNetworkDocument,
} from '@bettermode-kit/operations';
import { Client, fetchExchange, type AnyVariables, type Exchange, type OperationContext, type TypedDocumentNode } from '@urql/core';
import { BettermodeError, InvalidResponseError, SessionExpiredError, UnauthorizedError } from './bettermode-error';
import { bettermodeAuthExchange } from './bettermode-auth-exchange';
import { ClientErrorCode } from './error-codes';
import { memoryStorage } from './memory-storage';
import { storedSessionFrom, toSession, type Session } from './session';
import { SessionKeeper, type SessionChangeListener } from './session-keeper';
import type { SessionStorage } from './session-storage';
import { timeoutFetch } from './timeout-fetch';
import { toBettermodeError } from './to-bettermode-error';

/** Options of {@link createBettermodeClient}. */
export interface BettermodeClientOptions {
  /** The GraphQL endpoint. @defaultValue 'https://api.bettermode.com' */
  endpoint?: string;
  /** The community address guests get tokens for, e.g. 'community.bettermode.io'. Required unless `networkId` is given. */
  networkDomain?: string;
  /** The network id, instead of `networkDomain`. */
  networkId?: string;
  /** Where the session is kept. @defaultValue memoryStorage() */
  storage?: SessionStorage;
  /** The fetch to use. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Refresh this long before the token expires; capped at half the token's lifetime. @defaultValue 60 */
  refreshLeewaySeconds?: number;
  /** Abort a request after this long. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** Extra urql exchanges, placed before the auth and fetch exchanges (e.g. a cache). */
  exchanges?: Exchange[];
  /**
   * Called after every session change.
   * @remarks Reasons: `guest` (first guest token), `login`, `refresh`, `logout`,
   * `session-expired` (the refresh token was refused; the session is a guest's again).
   */
  onSessionChange?: SessionChangeListener;
}

/** Credentials for {@link BettermodeClient.login}. */
export interface LoginCredentials {
  usernameOrEmail: string;
  password: string;
}

/** A Bettermode API client. */
export interface BettermodeClient {
  /** The underlying urql Client, for `<Provider value={bm.urql}>` and raw use. */
  readonly urql: Client;
  /** Runs a query; resolves to its data or throws a {@link BettermodeError}. */
  query<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context?: Partial<OperationContext>,
  ): Promise<Data>;
  /** Runs a mutation; resolves to its data or throws a {@link BettermodeError}. */
  mutate<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context?: Partial<OperationContext>,
  ): Promise<Data>;
  /** Logs a member in with the guest token and makes later operations use the member token. */
  login(credentials: LoginCredentials): Promise<Session>;
  /** Revokes the member session on the server (`logoutNetwork`); later operations are a guest's. */
  logout(): Promise<void>;
  /** The current session, or null before the first operation. Never includes tokens. */
  getSession(): Promise<Session | null>;
  /** Stops the client: later calls fail; nothing of it keeps the process alive. */
  close(): void;
}

const packageName = '@bettermode-kit/client';

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
  const settings = checkOptions(options);
  const keeper = new SessionKeeper(options.storage ?? memoryStorage(), options.onSessionChange);
  const fetchWithTimeout = timeoutFetch(options.fetch ?? ((input, init) => globalThis.fetch(input, init)), settings.requestTimeoutMs);
  const tokenClient = new Client({ url: settings.endpoint, requestPolicy: 'network-only', preferGetMethod: false, fetch: fetchWithTimeout, exchanges: [fetchExchange] });
  const urql = new Client({
    url: settings.endpoint,
    requestPolicy: 'network-only',
    // Bettermode is spoken to with POST; GET would also put variables (a password) into URLs.
    preferGetMethod: false,
    fetch: fetchWithTimeout,
    exchanges: [
      ...(options.exchanges ?? []),
      bettermodeAuthExchange({
        keeper,
        tokenClient,
        network: options.networkId ? { networkId: options.networkId } : { networkDomain: options.networkDomain },
        refreshLeewaySeconds: settings.refreshLeewaySeconds,
        now: Date.now,
      }),
      fetchExchange,
    ],
  });
  let closed = false;

  async function run<Data, Variables extends AnyVariables>(
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context: Partial<OperationContext> | undefined,
    secrets: string[] = [],
  ): Promise<Data> {
    if (closed) throw new BettermodeError(`${packageName}: the client is closed`, { code: 'CLIENT_CLOSED' });
    const source = kind === 'query' ? urql.query(document, variables, context) : urql.mutation(document, variables, context);
    const result = await source.toPromise();
    if (result.error) throw toBettermodeError(result.error, [...secrets, ...keeper.secrets()]);
    if (result.data === undefined || result.data === null) {
      throw new InvalidResponseError('Bettermode answered without data', { code: ClientErrorCode.InvalidResponse });
    }
    return result.data;
  }

  return {
    urql,
    query: (document, variables, context) => run('query', document, variables, context),
    mutate: (document, variables, context) => run('mutation', document, variables, context),
    async login({ usernameOrEmail, password }) {
      if (typeof usernameOrEmail !== 'string' || usernameOrEmail === '' || typeof password !== 'string' || password === '') {
        throw new TypeError(`${packageName}: login() needs a usernameOrEmail and a password`);
      }
      const data = await run('mutation', LoginNetworkDocument, { input: { usernameOrEmail, password } }, undefined, [password]);
      const stored = storedSessionFrom(data.loginNetwork, 'member');
      await keeper.set(stored, 'login');
      return toSession(stored);
    },
    async logout() {
      await keeper.load();
      const session = keeper.current;
      if (session?.kind !== 'member') return;
      let failure: BettermodeError | undefined;
      if (session.sessionId) {
        try {
          await run('mutation', LogoutNetworkDocument, { input: { sessionId: session.sessionId } }, undefined);
        } catch (error) {
          failure = error as BettermodeError;
        }
      }
      // Locally the member is gone whatever the server said; a session it no longer knows is logged out already.
      if (keeper.current === session) await keeper.set(null, 'logout');
      if (failure && !(failure instanceof UnauthorizedError) && !(failure instanceof SessionExpiredError)) throw failure;
    },
    async getSession() {
      await keeper.load();
      return keeper.current ? toSession(keeper.current) : null;
    },
    close() {
      closed = true;
    },
  };
}

function checkOptions(options: BettermodeClientOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${packageName}: options are required`);
  if (!options.networkDomain && !options.networkId) {
    throw new TypeError(`${packageName}: networkDomain (or networkId) is required, e.g. 'community.bettermode.io'`);
  }
  const endpoint = options.endpoint ?? 'https://api.bettermode.com';
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    throw new TypeError(`${packageName}: endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  const refreshLeewaySeconds = options.refreshLeewaySeconds ?? 60;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!Number.isFinite(refreshLeewaySeconds) || refreshLeewaySeconds < 0) {
    throw new TypeError(`${packageName}: refreshLeewaySeconds must be zero or more`);
  }
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new TypeError(`${packageName}: requestTimeoutMs must be a positive number`);
  }
  return { endpoint, refreshLeewaySeconds, requestTimeoutMs };
}
