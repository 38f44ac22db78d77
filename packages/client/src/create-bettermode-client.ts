import { Client, type AnyVariables, type CombinedError, type Exchange, type OperationContext, type OperationResult, type TypedDocumentNode } from '@urql/core';
import { pipe, subscribe, take } from 'wonka';
import { BettermodeError, ClientClosedError, InvalidResponseError, TimeoutError } from './bettermode-error';
import { bettermodeExchange } from './bettermode-exchange';
import { defaultTransport } from './default-transport';
import { ClientErrorCode } from './error-codes';
import { errorFromAnswer, errorFromFailure } from './graphql-answer';
import { memoryStorage } from './memory-storage';
import { PendingWork } from './pending-work';
import type { Session, SessionChangeListener } from './session';
import { SessionClock } from './session-clock';
import { SessionMachine } from './session-machine';
import type { SessionStorage } from './session-storage';
import { createTokenApi } from './token-api';
import { fetchTransport } from './transport/fetch-transport';

/** Options of {@link createBettermodeClient}. */
export interface BettermodeClientOptions {
  /** The GraphQL endpoint. @defaultValue 'https://api.bettermode.com' */
  endpoint?: string | undefined;
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
   * A fetch to send requests with. Without it, Node uses `node:http` with keep-alive connections
   * and every other runtime the global `fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Refresh this long before the token expires (less for short-lived tokens). @defaultValue 60 */
  refreshLeewaySeconds?: number | undefined;
  /** Give up on a request after this long, body included. @defaultValue 10000 */
  requestTimeoutMs?: number | undefined;
  /** Extra urql exchanges, placed before the client's own (e.g. a cache). */
  exchanges?: Exchange[] | undefined;
  /**
   * Called after every session change, never awaited; a listener that throws is reported once
   * with a warning and changes nothing.
   * @remarks Reasons: `guest` (first guest token), `login`, `refresh`, `logout`, `session-expired`
   * (the refresh token was refused; the session is a guest's again). A change made by another
   * holder of the same storage is reported with its reason.
   */
  onSessionChange?: SessionChangeListener | undefined;
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
  /**
   * Logs a member in and makes later operations use the member token. Always wins over a refresh
   * that began before it; logging in while a member ends the earlier session on the server.
   */
  login(credentials: LoginCredentials): Promise<Session>;
  /** Ends the member session on the server (`logoutNetwork`); later operations are a guest's. */
  logout(): Promise<void>;
  /** The current session, or null before the first operation and after a logout. Never includes tokens. */
  getSession(): Promise<Session | null>;
  /** Stops the client: pending work fails with `CLIENT_CLOSED`, nothing is written afterwards, nothing keeps the process alive. */
  close(): void;
}

const packageName = '@bettermode-kit/client';

/** How many request timeouts any promise of the client may take at most (queued transitions, a lease, a retry). */
export const deadlineInTimeouts = 6;

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
  const transport = options.fetch ? fetchTransport(options.fetch) : defaultTransport();
  const clock = new SessionClock(settings.refreshLeewaySeconds * 1000);
  const network = options.networkId ? { networkId: options.networkId } : { networkDomain: options.networkDomain };
  const api = createTokenApi({ transport, url: settings.endpoint, timeoutMs: settings.requestTimeoutMs, network, clock, secrets: () => machine.secrets() });
  const machine: SessionMachine = new SessionMachine({ storage: options.storage ?? memoryStorage(), api, clock, onChange: options.onSessionChange });
  const urql = new Client({
    url: settings.endpoint,
    requestPolicy: 'network-only',
    exchanges: [...(options.exchanges ?? []), bettermodeExchange({ machine, transport, clock, timeoutMs: settings.requestTimeoutMs })],
  });
  const deadlineMs = settings.requestTimeoutMs * deadlineInTimeouts;
  const pending = new PendingWork(deadlineMs, () => new TimeoutError(`${packageName}: no answer within ${deadlineMs} ms`, { code: ClientErrorCode.Timeout }));

  function run<Data, Variables extends AnyVariables>(
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context: Partial<OperationContext> | undefined,
  ): Promise<Data> {
    if (machine.closed) return Promise.reject(closedError());
    let stop: (() => void) | undefined;
    const result = new Promise<OperationResult<Data, Variables>>((resolve) => {
      const source = kind === 'query' ? urql.query(document, variables, context) : urql.mutation(document, variables, context);
      stop = pipe(source, take(1), subscribe(resolve)).unsubscribe;
    });
    return pending.add(result, stop).then((answer) => {
      if (answer.error) throw clientError(answer.error, machine.secrets());
      if (answer.data === undefined || answer.data === null) {
        throw new InvalidResponseError('Bettermode answered without data', { code: ClientErrorCode.InvalidResponse });
      }
      return answer.data;
    });
  }

  return {
    urql,
    query: (document, variables, context) => run('query', document, variables, context),
    mutate: (document, variables, context) => run('mutation', document, variables, context),
    login(credentials) {
      const { usernameOrEmail, password } = credentials ?? {};
      if (typeof usernameOrEmail !== 'string' || usernameOrEmail === '' || typeof password !== 'string' || password === '') {
        return Promise.reject(new TypeError(`${packageName}: login() needs a usernameOrEmail and a password`));
      }
      if (machine.closed) return Promise.reject(closedError());
      return pending.add(machine.login({ usernameOrEmail, password }));
    },
    logout() {
      if (machine.closed) return Promise.reject(closedError());
      return pending.add(machine.logout());
    },
    getSession() {
      if (machine.closed) return Promise.reject(closedError());
      return pending.add(machine.read());
    },
    close() {
      if (machine.closed) return;
      machine.close();
      pending.close(closedError());
      transport.close();
    },
  };
}

function closedError(): ClientClosedError {
  return new ClientClosedError(`${packageName}: the client is closed`, { code: ClientErrorCode.ClientClosed });
}

/** The typed error for a failed urql result. */
function clientError(error: CombinedError, secrets: readonly string[]): BettermodeError {
  if (error.networkError instanceof BettermodeError) return error.networkError;
  if (error.graphQLErrors.length > 0) {
    const errors = error.graphQLErrors.map(({ message, path, extensions }) => ({ message, ...(path ? { path } : {}), ...(extensions ? { extensions } : {}) }));
    return errorFromAnswer({ status: (error.response as { status?: number } | undefined)?.status ?? 200, data: undefined, errors, extensions: undefined, retryAfter: null }, secrets);
  }
  return errorFromFailure(error.networkError);
}

function checkOptions(options: BettermodeClientOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${packageName}: options are required`);
  if (!options.networkDomain && !options.networkId) {
    throw new TypeError(`${packageName}: networkDomain (or networkId) is required, e.g. 'community.bettermode.io'`);
  }
  const endpoint = options.endpoint ?? 'https://api.bettermode.com';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`${packageName}: endpoint must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${packageName}: endpoint must be an http(s) URL, not ${url.protocol}`);
  const refreshLeewaySeconds = options.refreshLeewaySeconds ?? 60;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!Number.isFinite(refreshLeewaySeconds) || refreshLeewaySeconds < 0) {
    throw new TypeError(`${packageName}: refreshLeewaySeconds must be zero or more`);
  }
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new TypeError(`${packageName}: requestTimeoutMs must be a positive number`);
  }
  if (options.storage !== undefined && typeof options.storage?.lock !== 'function') {
    throw new TypeError(`${packageName}: storage must be a SessionStorage (memoryStorage(), webStorage(), fileStorage(), redisStorage())`);
  }
  return { endpoint, refreshLeewaySeconds, requestTimeoutMs };
}
