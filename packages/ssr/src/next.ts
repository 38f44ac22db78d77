import { BettermodeError, SessionExpiredError, type BettermodeClient } from '@bettermode-kit/client';
import { cookies, headers } from 'next/headers';
import { after, NextResponse, type NextRequest } from 'next/server';
import type { RequestSession, SessionCookies } from './create-session-cookies';

/** What {@link createNextSessions} gives a Next.js app. */
export interface NextSessions {
  /**
   * For `proxy.ts` (`middleware.ts` before Next.js 16): renews a due session before the page
   * renders, with the cookie on the response and on the request the rest of the app reads, so
   * Server Components see the new session, not the spent one. A request without a session cookie
   * passes untouched.
   */
  middleware(request: NextRequest): Promise<NextResponse>;
  /**
   * A client on this request's session, one per request, for Server Components, Route Handlers
   * and Server Actions. Where cookies can be written (Route Handlers, Server Actions) a session
   * change is written at once; in a Server Component, where Next refuses cookie writes, a due
   * session is still renewed (for this render) and nothing is written: the spent cookie's successor
   * hands the next request the same new session, and the middleware stores it.
   */
  getBettermodeClient(): Promise<BettermodeClient>;
  /**
   * For `app/api/bettermode/[action]/route.ts`: `export const { GET, POST } = next.routeHandlers`.
   * The routes of {@link SessionCookies.routes}.
   */
  readonly routeHandlers: {
    GET(request: Request): Promise<Response>;
    POST(request: Request): Promise<Response>;
  };
}

/**
 * The Next.js App Router adapter of {@link SessionCookies}.
 *
 * @example
 * ```ts
 * // lib/bettermode.ts
 * export const sessions = createSessionCookies({ networkDomain: 'community.bettermode.io' });
 * export const { middleware, getBettermodeClient, routeHandlers } = createNextSessions(sessions);
 * // proxy.ts
 * export { middleware as proxy } from './lib/bettermode';
 * // app/page.tsx (a Server Component)
 * const bm = await getBettermodeClient();
 * const { authMember } = await bm.query(AuthMemberDocument, {});
 * ```
 */
export function createNextSessions(sessions: SessionCookies): NextSessions {
  if (typeof sessions?.open !== 'function')
    throw new TypeError('@bettermode-kit/ssr/next: createNextSessions() takes what createSessionCookies() returns');
  // One session per request: keyed by the request's cookie store, which Next keeps for the request.
  const perRequest = new WeakMap<object, Promise<RequestSession>>();

  async function middleware(request: NextRequest): Promise<NextResponse> {
    const cookieHeader = request.headers.get('cookie');
    if (!sessions.hasSession(cookieHeader)) return NextResponse.next();
    const session = sessions.open(cookieHeader, { secure: sessions.isSecure(request) });
    try {
      await session.client.getSession({ fresh: true });
    } catch (error) {
      // Expired: the session is a guest's now and the cookie says so. Anything else of ours (the
      // API unreachable): the page renders with the cookie as it is and reports the failure itself.
      if (!(error instanceof BettermodeError)) throw error;
      if (!(error instanceof SessionExpiredError)) return NextResponse.next();
    } finally {
      session.close();
    }
    const setCookies = session.setCookies();
    if (setCookies.length === 0) return NextResponse.next();
    const forwarded = new Headers(request.headers);
    forwarded.set('cookie', session.requestCookieHeader());
    const response = NextResponse.next({ request: { headers: forwarded } });
    for (const line of setCookies) response.headers.append('set-cookie', line);
    response.headers.set('cache-control', 'private, no-store');
    return response;
  }

  async function getBettermodeClient(): Promise<BettermodeClient> {
    const store = await cookies();
    let session = perRequest.get(store);
    if (!session) {
      // Set before any await: calls racing in one render share the session.
      session = openFor(store);
      perRequest.set(store, session);
    }
    return (await session).client;
  }

  async function openFor(store: Awaited<ReturnType<typeof cookies>>): Promise<RequestSession> {
    const requestHeaders = await headers();
    let writable = true;
    const session = sessions.open(requestHeaders.get('cookie'), {
      secure: sessions.isSecure(new Request('http://localhost/', { headers: requestHeaders })),
      onChange(changed) {
        if (!writable) return;
        for (const cookie of changed.cookies()) {
          try {
            store.set(cookie.name, cookie.value, cookie.options);
          } catch {
            // A Server Component: Next allows no cookie writes here. The successor window covers it.
            writable = false;
            return;
          }
        }
      },
    });
    try {
      after(() => session.close());
    } catch {
      // Outside a request's scope nothing closes it for us; the client holds no timer that keeps a process alive.
    }
    return session;
  }

  const route = sessions.routes();
  return { middleware, getBettermodeClient, routeHandlers: { GET: route, POST: route } };
}
