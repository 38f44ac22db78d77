import { createAppTokenApi } from './session/app-token-api';
import {
  clientInternals,
  createClientCore,
  type BettermodeOperations,
  type ClientCore,
} from './operations/client-core';
import { checkCommonOptions, type CommonClientOptions } from './client-options';
import { memoryStorage } from './storage/memory-storage';
import { SessionClock } from './session/session-clock';
import { SessionMachine } from './session/session-machine';
import type { SessionStorage } from './storage/session-storage';
import { fetchTransport } from './transport/fetch-transport';
import { nodeTransport } from './transport/node-transport';
import { packageName } from './errors/package-name';

/** Options of {@link createBettermodeAppClient}. */
export interface BettermodeAppClientOptions extends CommonClientOptions {
  /** The app's client id. */
  clientId: string;
  /** The app's client secret. Server side only: anyone who can read it can act as the app. */
  clientSecret: string;
  /** The network the app is installed on. */
  networkId: string;
  /**
   * Where the app tokens are kept, one entry per (network, member); holders that share these
   * storages mint once per expiry between them. E.g. `redisTokenStorage({ url })` from
   * `@bettermode-kit/redis-storage`, whose views all share two connections. A `close()` on it is
   * called by the app client's `close()`.
   * @defaultValue an in-memory storage per key
   */
  tokenStorage?: (((key: string) => SessionStorage) & { close?: () => unknown }) | undefined;
  /**
   * Member views kept at most. Past it, the least recently used view with nothing pending is
   * dropped with its cached token (the next call through it builds it again); a view an urql
   * Client was made on is kept. @defaultValue 1000
   */
  maxMemberViews?: number | undefined;
  /** Allow running where `window` or `document` exist (a browser), which would expose the secret. @defaultValue false */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** An app client: operations as the app's bot account, and views that act as a member. */
export interface BettermodeAppClient extends BettermodeOperations {
  /** The same operations, as that member (impersonation: the member's permissions). */
  asMember(memberId: string): BettermodeOperations;
  /** Stops the client and its member views: pending work fails with `CLIENT_CLOSED`, nothing keeps the process alive. */
  close(): void;
}

/**
 * Creates a client for a Bettermode app: it mints access tokens with `limitedToken` and the app's
 * HTTP Basic credentials (its bot account, which can do what a community admin can, or with
 * {@link BettermodeAppClient.asMember} a member it impersonates), caches them per (network,
 * member), mints again before expiry and after an `Unauthorized`, one mint at a time however many
 * operations wait, and sends operations to the `gatewayUrl` the token came with.
 *
 * @example
 * ```ts
 * const app = createBettermodeAppClient({ clientId, clientSecret, networkId });
 * await app.query(NetworkPublicInfoDocument, {}); // as the bot account
 * await app.asMember(memberId).query(AuthMemberDocument, {}); // as that member
 * app.close();
 * ```
 */
export function createBettermodeAppClient(options: BettermodeAppClientOptions): BettermodeAppClient {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${packageName}: options are required`);
  const inBrowser =
    typeof (globalThis as { window?: unknown }).window !== 'undefined' ||
    typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (inBrowser && options.dangerouslyAllowBrowser !== true) {
    throw new Error(
      `${packageName}: createBettermodeAppClient() refuses to run in a browser: the client secret would be readable by anyone who loads the page. ` +
        'Mint app tokens on a server. Pass dangerouslyAllowBrowser: true only where the code never reaches a browser user.',
    );
  }
  for (const key of ['clientId', 'clientSecret', 'networkId'] as const) {
    if (typeof options[key] !== 'string' || options[key].trim() === '')
      throw new TypeError(`${packageName}: ${key} is required`);
  }
  const settings = checkCommonOptions(options);
  const maxMemberViews = options.maxMemberViews ?? 1000;
  if (!Number.isInteger(maxMemberViews) || maxMemberViews < 1)
    throw new TypeError(`${packageName}: maxMemberViews must be a whole number of at least 1`);
  const transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport();
  const defaultStorages = new Map<string, SessionStorage>();
  const storageFor =
    options.tokenStorage ??
    ((key: string) =>
      defaultStorages.get(key) ?? (defaultStorages.set(key, memoryStorage()).get(key) as SessionStorage));

  // The bot and the members never share a key, whatever a member id says (`asMember('bot')`
  // must not act as the app's admin bot); each part is encoded so no two ids meet in one key.
  const storageKey = (memberId: string | undefined) =>
    `app:${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.networkId)}:${
      memberId === undefined ? 'bot' : `member:${encodeURIComponent(memberId)}`
    }`;

  const view = (memberId: string | undefined): ClientCore => {
    const clock = new SessionClock(settings.refreshLeewaySeconds * 1000);
    const api = createAppTokenApi({
      transport,
      url: settings.endpoint,
      timeoutMs: settings.requestTimeoutMs,
      clock,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      networkId: options.networkId,
      memberId,
    });
    const storage = storageFor(storageKey(memberId));
    const machine = new SessionMachine({
      storage,
      api,
      clock,
      community: `${settings.endpoint} networkId:${options.networkId} app:${options.clientId}`,
    });
    return createClientCore({
      endpoint: settings.endpoint,
      requestTimeoutMs: settings.requestTimeoutMs,
      machine,
      transport,
      clock,
      retry: options.retry,
      onResult: options.onResult,
    });
  };

  const bot = view(undefined);
  /** Member views, least recently used first. */
  const members = new Map<string, ClientCore>();
  /** Views an urql Client was made on: never dropped, since that Client holds them. */
  const pinned = new Set<string>();
  let closed = false;

  const viewFor = (memberId: string): ClientCore => {
    let member = members.get(memberId);
    if (member) {
      members.delete(memberId);
      members.set(memberId, member);
      return member;
    }
    member = view(memberId);
    if (closed) member.close();
    members.set(memberId, member);
    for (const [id, each] of members) {
      if (members.size <= maxMemberViews) break;
      if (id === memberId || pinned.has(id) || !each.idle()) continue;
      each.close();
      members.delete(id);
      defaultStorages.delete(storageKey(id));
    }
    return member;
  };

  // The operations of a view, with what createUrqlClient needs (kept off the public type).
  const operationsOf = (core: ClientCore): BettermodeOperations =>
    ({
      [clientInternals]: core[clientInternals],
      query: core.query,
      mutate: core.mutate,
      rawRequest: core.rawRequest,
    }) as BettermodeOperations;
  return {
    ...operationsOf(bot),
    asMember(memberId) {
      if (typeof memberId !== 'string' || memberId.trim() === '')
        throw new TypeError(`${packageName}: asMember() needs a member id`);
      // A handle, not the view: a view dropped past maxMemberViews is built again at the next call.
      return {
        query: (document, variables, callOptions) => viewFor(memberId).query(document, variables, callOptions),
        mutate: (document, variables, callOptions) => viewFor(memberId).mutate(document, variables, callOptions),
        rawRequest: (query, variables, callOptions) => viewFor(memberId).rawRequest(query, variables, callOptions),
        get [clientInternals]() {
          pinned.add(memberId);
          return viewFor(memberId)[clientInternals];
        },
      } as BettermodeOperations;
    },
    close() {
      closed = true;
      bot.close();
      for (const member of members.values()) member.close();
      transport.close();
      void Promise.resolve(options.tokenStorage?.close?.()).catch(() => undefined);
    },
  };
}
