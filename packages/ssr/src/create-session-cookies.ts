import { parse, type DocumentNode } from '@0no-co/graphql.web';
import {
  BettermodeError,
  createBettermodeClientFactory,
  HttpError,
  InvalidCredentialsError,
  NetworkError,
  parseStoredValue,
  RateLimitedError,
  SessionExpiredError,
  TimeoutError,
  type BettermodeClient,
  type BettermodeClientFactoryOptions,
  type LoginCredentials,
} from '@bettermode-kit/client';
import { packageName } from './package-name';
import { RecentlyUsedCache } from './recently-used-cache';
import { RequestSessionStorage } from './request-session-storage';
import { isSameOrigin, readLimitedText, requestProto } from './request-guards';
import { memoryCoordination, type SessionCoordination } from './session-coordination';
import {
  isOurs,
  parseCookies,
  readSessionCookie,
  rewriteCookieHeader,
  serializeCookie,
  sessionCookieWrites,
  type CookieAttributes,
  type CookieWrite,
} from './session-cookie';
import { refusedFieldsOf } from './token-fields';

/** Options of {@link createSessionCookies}: the client's (community, endpoint, timeouts), and the cookie's. */
export interface SessionCookiesOptions extends BettermodeClientFactoryOptions {
  /**
   * Where requests agree on refreshes. One process: the default. Several processes or machines:
   * `redisCoordination({ url })` from `@bettermode-kit/redis-storage`.
   * @defaultValue memoryCoordination()
   */
  coordination?: SessionCoordination | undefined;
  /** @defaultValue 'bm_session' (and `bm_session.0`, `.1`, … for a session too large for one cookie) */
  cookieName?: string | undefined;
  /** `Secure` cookies: `'auto'` sets it on https requests, and when a proxy says `x-forwarded-proto: https`. @defaultValue 'auto' */
  secure?: 'auto' | boolean | undefined;
  /** @defaultValue 'lax' */
  sameSite?: 'lax' | 'strict' | 'none' | undefined;
  /**
   * How long the session that replaced a spent refresh token is handed to requests still carrying
   * the old cookie (in flight during the refresh, or from a tab that has not seen the new cookie).
   * @defaultValue 60
   */
  successorWindowSeconds?: number | undefined;
  /** Origins besides the app's own allowed to call `login`, `logout` and the proxy. @defaultValue [] */
  allowedOrigins?: readonly string[] | undefined;
  /** The largest body the GraphQL proxy reads. @defaultValue 102400 */
  maxBodyBytes?: number | undefined;
  /** How long the browser keeps the cookie; renewed with every write. Bettermode's refresh tokens last longer. @defaultValue 2592000 (30 days) */
  maxAgeSeconds?: number | undefined;
  /** How long a request may hold a session's refresh lock if it dies or hangs. @defaultValue 10000 */
  leaseMs?: number | undefined;
}

/** A cookie to set, in the shape frameworks' cookie APIs take (Next's `cookies().set`, SvelteKit's, Astro's). */
export interface SessionCookie {
  name: string;
  /** `''` with `maxAge: 0` clears the cookie. */
  value: string;
  options: {
    path: '/';
    httpOnly: true;
    sameSite: 'lax' | 'strict' | 'none';
    secure: boolean;
    /** Seconds. */
    maxAge: number;
  };
}

/** One request's session: its client, and the cookies to send back. */
export interface RequestSession {
  /** A client on this request's session; closed by {@link RequestSession.close}. */
  readonly client: BettermodeClient;
  /** `Set-Cookie` values when the session changed (a refresh, a login, a logout), else none. */
  setCookies(): string[];
  /** The same cookies as {@link RequestSession.setCookies}, for a framework's cookie API. */
  cookies(): SessionCookie[];
  /**
   * The request's `Cookie` header with the session as it is now: what a middleware forwards, so
   * the rest of the request (a page rendering) reads the refreshed session, not the spent one.
   */
  requestCookieHeader(): string;
  /** Closes the client; operations still running fail with `CLIENT_CLOSED`. */
  close(): void;
}

/** Member sessions held by the server in cookies; see {@link createSessionCookies}. */
export interface SessionCookies {
  /**
   * Runs `work` with a client on the request's session; the response gets the new cookie (and
   * `Cache-Control: private, no-store`) when the session changed.
   */
  handle(request: Request, work: (bm: BettermodeClient) => Response | Promise<Response>): Promise<Response>;
  /**
   * The browser's GraphQL endpoint: same-origin JSON POSTs only, forwarded to the configured
   * endpoint with the member's token (refreshed when due); operations that answer with tokens,
   * and the session transitions, are refused.
   */
  graphqlProxy(): (request: Request) => Promise<Response>;
  /**
   * One handler for everything the browser calls, under any base path (`/api/bettermode/…`, say):
   * `POST …/login` with a JSON `{ usernameOrEmail, password }`, `POST …/logout`, `POST …/graphql`
   * (the {@link SessionCookies.graphqlProxy}), and `GET …/session`, which answers `{ session }`
   * (never a token; refreshed first when due; `null` without a cookie). What
   * `@bettermode-kit/react`'s server-held mode talks to.
   */
  routes(): (request: Request) => Promise<Response>;
  /** Logs a member in: `200 { session }` with the cookie, or `401 { error }`; same origin only. */
  login(request: Request, credentials: LoginCredentials): Promise<Response>;
  /** Ends the member session on Bettermode and clears the cookie: `200 { session: null }`; same origin only. */
  logout(request: Request): Promise<Response>;
  /**
   * The building block of the other methods and of framework adapters: a client on the session in
   * `cookieHeader`. Call `setCookies()` when done, then `close()`.
   */
  open(
    cookieHeader: string | null,
    options: { secure: boolean; onChange?: ((session: RequestSession) => void) | undefined },
  ): RequestSession;
  /** Whether a `Cookie` header carries a session cookie of ours (readable or not): without one there is nothing to renew. */
  hasSession(cookieHeader: string | null): boolean;
  /** Whether cookies for this request are `Secure`. */
  isSecure(request: Request): boolean;
  /** Closes the shared connections and the coordination store. */
  close(): Promise<void>;
}

/** How many distinct query texts the GraphQL proxy keeps parsed. */
const checkedQueriesKept = 256;

/**
 * Member sessions held by the server ("backend for frontend"): the tokens stay in an httpOnly
 * cookie and on the server; the browser talks to the app, never to Bettermode with a token.
 *
 * - One refresh per session, whatever the concurrency: requests carrying one cookie take one lock
 *   (named by a hash of the refresh token) in the coordination store; the first refreshes, and the
 *   new session is recorded as the spent token's successor for `successorWindowSeconds`, sealed
 *   with that token. A request still carrying the old cookie gets the new session instead of
 *   spending the old token again, so nothing relies on Bettermode answering a spent token twice.
 * - Cookies: httpOnly, `SameSite=Lax`, `Path=/`, `Secure` on https; chunked past 4,096 bytes, with
 *   a generation so chunks of two writes never mix (an unreadable cookie is a guest's).
 * - `login`, `logout` and the proxy refuse other origins (403), the proxy non-JSON bodies (415)
 *   and large ones (413); it sends only to the configured endpoint.
 *
 * @example
 * ```ts
 * const sessions = createSessionCookies({ networkDomain: 'community.bettermode.io' });
 * export const GET = (request: Request) =>
 *   sessions.handle(request, async (bm) => {
 *     const { authMember } = await bm.query(AuthMemberDocument, {});
 *     return new Response(`Hello ${authMember.name}`);
 *   });
 * ```
 */
export function createSessionCookies(options: SessionCookiesOptions): SessionCookies {
  const settings = checkOptions(options);
  const clients = createBettermodeClientFactory(options);
  const coordination = options.coordination ?? memoryCoordination();
  let coordinationDown = false;
  const storageSettings = {
    coordination,
    successorWindowMs: settings.successorWindowSeconds * 1000,
    leaseMs: settings.leaseMs,
    onCoordinationFailure(error: unknown) {
      // Once: a store that fails, fails for every request, and one line says so.
      if (coordinationDown) return;
      coordinationDown = true;
      const reason = error instanceof Error ? error.message : 'unknown error';
      console.warn(
        `${packageName}: the coordination store failed (${reason}); requests go on with their own cookies, refreshes are not shared until it works`,
      );
    },
  };

  const secureFor = (proto: 'https' | 'http'): boolean =>
    settings.secure === 'auto' ? proto === 'https' : settings.secure;
  const isSecure = (request: Request): boolean =>
    settings.secure === 'auto' ? requestProto(request) === 'https' : settings.secure;

  function open(
    cookieHeader: string | null,
    { secure, onChange }: { secure: boolean; onChange?: ((session: RequestSession) => void) | undefined },
  ): RequestSession {
    const cookies = parseCookies(cookieHeader);
    const storage = new RequestSessionStorage(readSessionCookie(cookies, settings.cookieName), storageSettings);
    const attributes: CookieAttributes = {
      name: settings.cookieName,
      secure: secure || settings.sameSite === 'None',
      sameSite: settings.sameSite,
      maxAgeSeconds: settings.maxAgeSeconds,
    };
    const unreadable = storage.value === null && [...cookies.keys()].some((name) => isOurs(name, settings.cookieName));
    // One write per stored value: the Set-Cookie lines and the forwarded Cookie header carry one generation.
    let written: { value: string | null; writes: CookieWrite[] } | undefined;
    const writes = (): CookieWrite[] => {
      // An unreadable cookie of ours (mixed chunks, a foreign value) is cleared once.
      if (!storage.changed && !unreadable) return [];
      const value = cookieValue(storage.value);
      if (written?.value !== value) written = { value, writes: sessionCookieWrites(value, attributes, cookies) };
      return written.writes;
    };
    const sameSite = settings.sameSite.toLowerCase() as SessionCookie['options']['sameSite'];
    const session: RequestSession = {
      client: clients.client(storage, {
        onSessionChange: onChange && (() => onChange(session)),
      }),
      setCookies: () => writes().map((write) => serializeCookie(write, attributes)),
      cookies: () =>
        writes().map(({ name, value, maxAgeSeconds }) => ({
          name,
          value,
          options: { path: '/', httpOnly: true, sameSite, secure: attributes.secure, maxAge: maxAgeSeconds },
        })),
      requestCookieHeader: () => rewriteCookieHeader(cookies, writes()),
      close: () => session.client.close(),
    };
    return session;
  }

  function handle(request: Request, work: (bm: BettermodeClient) => Response | Promise<Response>): Promise<Response> {
    return serve(request, isSecure(request), work);
  }

  async function serve(
    request: Request,
    secure: boolean,
    work: (bm: BettermodeClient) => Response | Promise<Response>,
  ): Promise<Response> {
    const session = open(request.headers.get('cookie'), { secure });
    try {
      const response = await work(session.client);
      return withCookies(response, session.setCookies());
    } finally {
      session.close();
    }
  }

  function refuseCrossOrigin(request: Request): Response | null {
    if (isSameOrigin(request, settings.allowedOrigins)) return null;
    return json(403, {
      error: { code: 'FORBIDDEN_ORIGIN', message: 'This request must come from the app’s own pages' },
    });
  }

  async function login(request: Request, credentials: LoginCredentials): Promise<Response> {
    const refused = refuseCrossOrigin(request);
    if (refused) return refused;
    return handle(request, async (bm) => {
      try {
        return json(200, { session: await bm.login(credentials) });
      } catch (error) {
        if (error instanceof TypeError) return json(400, { error: { code: 'BAD_REQUEST', message: error.message } });
        return errorResponse(error, (status, code, message) => json(status, { error: { code, message } }));
      }
    });
  }

  async function logout(request: Request): Promise<Response> {
    const refused = refuseCrossOrigin(request);
    if (refused) return refused;
    return handle(request, async (bm) => {
      try {
        await bm.logout();
        return json(200, { session: null });
      } catch (error) {
        return errorResponse(error, (status, code, message) => json(status, { error: { code, message } }));
      }
    });
  }

  function graphqlProxy(): (request: Request) => Promise<Response> {
    // An app's pages send the same few queries again and again: each text is parsed and checked
    // once, and the same document sent on (the client prints a document once, too).
    const checkedQueries = new RecentlyUsedCache<string, { document: DocumentNode; refusedFields: string[] } | string>(
      checkedQueriesKept,
    );
    const checkQuery = (query: string) => checkedQueries.get(query, parseAndCheck);
    const failure = (status: number, code: string, message: string, headers?: Record<string, string>) =>
      json(status, { errors: [{ message, extensions: { code } }] }, headers);
    return async (request) => {
      if (request.method !== 'POST')
        return failure(405, 'METHOD_NOT_ALLOWED', 'The GraphQL endpoint takes POST only', { allow: 'POST' });
      // The scheme is read once, for the origin check and the cookie's Secure.
      const proto = requestProto(request);
      if (!isSameOrigin(request, settings.allowedOrigins, proto))
        return failure(403, 'FORBIDDEN_ORIGIN', 'This request must come from the app’s own pages');
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        return failure(415, 'UNSUPPORTED_MEDIA_TYPE', 'The GraphQL endpoint takes application/json bodies only');
      const text = await readLimitedText(request, settings.maxBodyBytes);
      if (text === null)
        return failure(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${settings.maxBodyBytes} bytes`);
      const body = parseBody(text);
      if (typeof body === 'string') return failure(400, 'BAD_REQUEST', body);
      const checked = checkQuery(body.query);
      if (typeof checked === 'string') return failure(400, 'GRAPHQL_PARSE_FAILED', checked);
      const { document, refusedFields } = checked;
      if (refusedFields.length > 0)
        return failure(
          403,
          'TOKEN_OPERATION_REFUSED',
          `${refusedFields.join(', ')}: not through this endpoint (tokens stay on the server; log in and out through the app)`,
        );
      return serve(request, secureFor(proto), async (bm) => {
        try {
          const result = await bm.rawRequest(document, body.variables, { operationName: body.operationName });
          return json(200, result);
        } catch (error) {
          return errorResponse(error, failure);
        }
      });
    };
  }

  function routes(): (request: Request) => Promise<Response> {
    const proxy = graphqlProxy();
    const failure = (status: number, code: string, message: string, headers?: Record<string, string>) =>
      json(status, { error: { code, message } }, headers);
    return async (request) => {
      const action = new URL(request.url).pathname.replace(/\/+$/, '').split('/').pop();
      if (action === 'graphql') return proxy(request);
      if (action === 'session') {
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return failure(405, 'METHOD_NOT_ALLOWED', 'The session is read with GET', { allow: 'GET' });
        const cookieHeader = request.headers.get('cookie');
        if (!hasSession(cookieHeader)) return json(200, { session: null }, { 'cache-control': 'private, no-store' });
        return handle(request, async (bm) => {
          const answer = async () =>
            json(200, { session: await bm.getSession() }, { 'cache-control': 'private, no-store' });
          try {
            await bm.getSession({ fresh: true });
            return await answer();
          } catch (error) {
            // A session past its successor window: a guest's now, said plainly (the cookie is cleared).
            if (error instanceof SessionExpiredError) return answer();
            return errorResponse(error, failure);
          }
        });
      }
      if (action !== 'login' && action !== 'logout')
        return failure(404, 'NOT_FOUND', 'Routes: GET session, POST login, POST logout, POST graphql');
      if (request.method !== 'POST')
        return failure(405, 'METHOD_NOT_ALLOWED', `${action} takes POST`, { allow: 'POST' });
      const refused = refuseCrossOrigin(request);
      if (refused) return refused;
      if (action === 'logout') return logout(request);
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        return failure(415, 'UNSUPPORTED_MEDIA_TYPE', 'login takes an application/json body');
      const text = await readLimitedText(request, 16 * 1024);
      if (text === null) return failure(413, 'PAYLOAD_TOO_LARGE', 'The body is larger than 16384 bytes');
      let credentials: LoginCredentials;
      try {
        credentials = JSON.parse(text) as LoginCredentials;
      } catch {
        return failure(400, 'BAD_REQUEST', 'The body is not JSON');
      }
      return login(request, credentials);
    };
  }

  const hasSession = (cookieHeader: string | null): boolean =>
    [...parseCookies(cookieHeader).keys()].some((name) => isOurs(name, settings.cookieName));

  return {
    handle,
    graphqlProxy,
    routes,
    hasSession,
    login,
    logout,
    open,
    isSecure,
    async close() {
      clients.close();
      await coordination.close?.();
    },
  };
}

/** The cookie keeps a session; a logout (a stored "no session") clears it. */
function cookieValue(value: string | null): string | null {
  if (value === null) return null;
  const parsed = parseStoredValue(value);
  return parsed === 'invalid' || parsed.session === null ? null : value;
}

/** Adds the cookies (and no caching by shared caches) to a response; headers of a Response may be immutable. */
function withCookies(response: Response, cookies: string[]): Response {
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  headers.set('cache-control', 'private, no-store');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A query text parsed, with the token fields it asks for; or why it does not parse. */
function parseAndCheck(query: string): { document: DocumentNode; refusedFields: string[] } | string {
  try {
    const document = parse(query);
    return { document, refusedFields: refusedFieldsOf(document) };
  } catch (error) {
    return error instanceof Error ? error.message : 'The query does not parse';
  }
}

/** A typed failure of the client as a response; anything else is rethrown (the app's own error page). */
function errorResponse(
  error: unknown,
  respond: (status: number, code: string, message: string, headers?: Record<string, string>) => Response,
): Response {
  if (!(error instanceof BettermodeError)) throw error;
  if (error instanceof InvalidCredentialsError) return respond(401, error.code, error.message);
  if (error instanceof SessionExpiredError) return respond(401, error.code, error.message);
  if (error instanceof RateLimitedError) {
    const seconds = error.retryAfterMs === undefined ? undefined : Math.ceil(error.retryAfterMs / 1000);
    return respond(429, error.code, error.message, seconds === undefined ? {} : { 'retry-after': String(seconds) });
  }
  if (error instanceof TimeoutError) return respond(504, error.code, error.message);
  if (error instanceof NetworkError || error instanceof HttpError) return respond(502, error.code, error.message);
  return respond(error.code === 'GRAPHQL_ERROR' ? 400 : 502, error.code, error.message);
}

interface ProxyBody {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

function parseBody(text: string): ProxyBody | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'The body is not JSON';
  }
  const candidate = body as Partial<Record<keyof ProxyBody, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate))
    return 'The body must be a JSON object';
  if (typeof candidate.query !== 'string' || candidate.query === '') return 'query must be a string';
  const { variables, operationName } = candidate;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    return 'variables must be an object';
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return 'operationName must be a string';
  return {
    query: candidate.query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

function checkOptions(options: SessionCookiesOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${packageName}: options are required`);
  const cookieName = options.cookieName ?? 'bm_session';
  if (!/^[A-Za-z0-9_-]+$/.test(cookieName))
    throw new TypeError(`${packageName}: cookieName may hold letters, digits, '-' and '_' only`);
  const sameSite = options.sameSite ?? 'lax';
  if (!['lax', 'strict', 'none'].includes(sameSite))
    throw new TypeError(`${packageName}: sameSite must be 'lax', 'strict' or 'none'`);
  const secure = options.secure ?? 'auto';
  if (secure !== 'auto' && typeof secure !== 'boolean')
    throw new TypeError(`${packageName}: secure must be 'auto' or a boolean`);
  const positive = (name: string, value: number | undefined, fallback: number, minimum: number) => {
    const chosen = value ?? fallback;
    if (!Number.isFinite(chosen) || chosen < minimum)
      throw new TypeError(`${packageName}: ${name} must be at least ${minimum}`);
    return chosen;
  };
  const allowedOrigins = options.allowedOrigins ?? [];
  for (const origin of allowedOrigins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin)
      throw new TypeError(
        `${packageName}: allowedOrigins holds origins such as 'https://app.example.com', not ${JSON.stringify(origin)}`,
      );
  }
  return {
    cookieName,
    sameSite: (sameSite === 'lax' ? 'Lax' : sameSite === 'strict' ? 'Strict' : 'None') as CookieAttributes['sameSite'],
    secure,
    allowedOrigins,
    successorWindowSeconds: positive('successorWindowSeconds', options.successorWindowSeconds, 60, 1),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, 100 * 1024, 1),
    maxAgeSeconds: positive('maxAgeSeconds', options.maxAgeSeconds, 30 * 24 * 3600, 60),
    leaseMs: positive('leaseMs', options.leaseMs, 10_000, 100),
  };
}
