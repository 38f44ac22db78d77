import type { BettermodeClient, LoginCredentials, Session } from '@bettermode-kit/client';
import { createUrqlClient } from '@bettermode-kit/client/urql';
import { cacheExchange, Client, fetchExchange, type Exchange } from '@urql/core';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { filter, pipe } from 'wonka';
import { SessionContext, type SessionContextValue } from './session-context';
import { serverSessionApi, toSession, type SerializedSession } from './server-session-api';

/** Where the session of a server-rendered app lives: with the server (`@bettermode-kit/ssr`). */
export interface ServerHeldSession {
  /** The base path of the app's `sessions.routes()` (…/session, …/login, …/logout, …/graphql). @defaultValue '/api/bettermode' */
  basePath?: string | undefined;
  /** The session the server rendered with (from `bm.getSession()`; never a token). */
  session: SerializedSession | null;
}

/** Props of {@link BettermodeProvider}: a browser-held session (`client`) or a server-held one (`server`). */
export type BettermodeProviderProps = { children?: ReactNode } & (
  { client: BettermodeClient; server?: never } | { server: ServerHeldSession; client?: never }
);

const channelName = 'bettermode-kit:session';

/**
 * On the server, a server-held session's queries wait for the browser: the proxy is the browser's
 * endpoint, and the page's own data comes from Server Components. Queries stay `fetching` (as
 * they start in the browser, so hydration matches) and nothing is sent.
 */
const serverRenderExchange: Exchange =
  ({ forward }) =>
  (operations) =>
    forward(
      pipe(
        operations,
        filter(() => false),
      ),
    );

/**
 * Gives its tree the session hooks ({@link useSession}, {@link useLogin}, {@link useLogout}) and an
 * urql Client for `useQuery`, on one of two kinds of session:
 *
 * - `client`: held in the browser by a {@link BettermodeClient} (with `webStorage(localStorage)`,
 *   every tab in step); queries go to Bettermode with its tokens.
 * - `server`: held by the server in an httpOnly cookie (`@bettermode-kit/ssr`); the provider knows
 *   the session (never a token), queries go to the app's GraphQL proxy, login and logout go
 *   through the app, and other tabs of the app hear of them.
 *
 * The urql Client is made per provider, so two members' server renders never share a cache, and
 * made again when the member changes, so one member's data never shows to the next.
 */
export function BettermodeProvider(props: BettermodeProviderProps) {
  if (props.client) return <BrowserHeld client={props.client}>{props.children}</BrowserHeld>;
  if (props.server) return <ServerHeld server={props.server}>{props.children}</ServerHeld>;
  throw new TypeError(
    '@bettermode-kit/react: BettermodeProvider needs a client (browser-held) or server (server-held)',
  );
}

/** The member's id (or none): a new one means a new cache. */
const whoIs = (session: Session | null | undefined) => (session?.kind === 'member' ? session.member.id : 'guest');

function BrowserHeld({ client: bm, children }: { client: BettermodeClient; children?: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const stop = bm.onSessionChange((next) => setSession(next));
    bm.getSession().then(
      (read) => live && setSession((known) => (known === undefined ? read : known)),
      () => live && setSession((known) => (known === undefined ? null : known)),
    );
    return () => {
      live = false;
      stop();
    };
  }, [bm]);
  const who = whoIs(session);
  // A new member, a new cache.
  const urql = useMemo(() => createUrqlClient(bm), [bm, who]);
  const value = useMemo<SessionContextValue>(
    () => ({ session, login: (credentials) => bm.login(credentials), logout: () => bm.logout() }),
    [bm, session],
  );
  return (
    <SessionContext.Provider value={value}>
      <Provider value={urql}>{children}</Provider>
    </SessionContext.Provider>
  );
}

function ServerHeld({ server, children }: { server: ServerHeldSession; children?: ReactNode }) {
  const api = useMemo(() => serverSessionApi(server.basePath ?? '/api/bettermode'), [server.basePath]);
  const [session, setSession] = useState<Session | null>(() => toSession(server.session));
  // A new render from the server (a navigation) brings the session it saw.
  useEffect(() => setSession(toSession(server.session)), [server.session]);

  const announce = useCallback(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(channelName);
    channel.postMessage('changed');
    channel.close();
  }, []);
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(channelName);
    channel.onmessage = () => void api.session().then(setSession, () => undefined);
    return () => channel.close();
  }, [api]);

  const who = whoIs(session);
  const urql = useMemo(
    () =>
      new Client({
        url: api.graphqlUrl,
        exchanges: [cacheExchange, typeof window === 'undefined' ? serverRenderExchange : fetchExchange],
        // The proxy takes POST only (a GET would put the query in logs, and skips the CSRF check).
        preferGetMethod: false,
        fetchOptions: { credentials: 'same-origin' },
      }),
    [api, who], // a new member, a new cache
  );
  const login = useCallback(
    async (credentials: LoginCredentials) => {
      const next = await api.login(credentials);
      setSession(next);
      announce();
      return next;
    },
    [api, announce],
  );
  const logout = useCallback(async () => {
    await api.logout();
    setSession(null);
    announce();
  }, [api, announce]);
  const value = useMemo<SessionContextValue>(() => ({ session, login, logout }), [session, login, logout]);
  return (
    <SessionContext.Provider value={value}>
      <Provider value={urql}>{children}</Provider>
    </SessionContext.Provider>
  );
}
