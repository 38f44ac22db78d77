import {
  BettermodeError,
  ForbiddenError,
  HttpError,
  InvalidCredentialsError,
  NetworkError,
  RateLimitedError,
  SessionExpiredError,
  type LoginCredentials,
  type Session,
} from '@bettermode-kit/client';

/** A session as JSON carries it (an ISO date); the hooks hand out a `Date`. */
export type SerializedSession = Omit<Session, 'expiresAt'> & { expiresAt: Date | string };

/** The session with a `Date`, whatever form it came in (a Server Component's prop, a JSON body). */
export function toSession(session: SerializedSession | null | undefined): Session | null {
  if (!session) return null;
  return { ...session, expiresAt: new Date(session.expiresAt) };
}

/**
 * The browser's side of `@bettermode-kit/ssr`'s routes: login, logout and the session, same-origin,
 * with the cookie the server holds; failures as the client's typed errors, so one API serves both modes.
 */
export function serverSessionApi(basePath: string) {
  const base = basePath.replace(/\/+$/, '');
  async function call(path: string, init: RequestInit): Promise<{ session: SerializedSession | null }> {
    let response: Response;
    try {
      response = await fetch(`${base}/${path}`, { credentials: 'same-origin', cache: 'no-store', ...init });
    } catch (cause) {
      throw new NetworkError(`Could not reach ${base}/${path}`, { code: 'NETWORK_ERROR', cause });
    }
    const body = (await response.json().catch(() => null)) as {
      session?: SerializedSession | null;
      error?: { code?: string; message?: string };
    } | null;
    if (response.ok && body && 'session' in body) return { session: body.session ?? null };
    const code = body?.error?.code ?? 'HTTP_ERROR';
    const message = body?.error?.message ?? `${base}/${path} answered ${response.status}`;
    const details = { code, status: response.status };
    if (response.status === 401)
      throw path === 'login'
        ? new InvalidCredentialsError(message, details)
        : new SessionExpiredError(message, details);
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      throw new RateLimitedError(message, {
        ...details,
        retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      });
    }
    if (response.status === 403) throw new ForbiddenError(message, details);
    if (response.status >= 500) throw new HttpError(message, details);
    throw new BettermodeError(message, details);
  }
  const post = (path: string, body?: unknown) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  return {
    graphqlUrl: `${base}/graphql`,
    async session(): Promise<Session | null> {
      return toSession((await call('session', { method: 'GET' })).session);
    },
    async login(credentials: LoginCredentials): Promise<Session> {
      const session = toSession((await post('login', credentials)).session);
      if (!session)
        throw new BettermodeError('The server answered the login without a session', { code: 'INVALID_RESPONSE' });
      return session;
    },
    async logout(): Promise<void> {
      await post('logout');
    },
  };
}
