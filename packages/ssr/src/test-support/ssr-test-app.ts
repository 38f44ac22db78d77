import { SessionExpiredError } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import type { SessionCookies } from '../index';

/**
 * A small app on the package, as a user writes one: `GET /page` renders who is logged in,
 * `POST /login` (JSON credentials), `POST /logout`, `POST /graphql` (the proxy).
 */
export function ssrTestApp(sessions: SessionCookies): (request: Request) => Promise<Response> {
  const proxy = sessions.graphqlProxy();
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/graphql') return proxy(request);
    if (pathname === '/login' && request.method === 'POST') {
      const credentials = (await request.json().catch(() => ({}))) as { usernameOrEmail: string; password: string };
      return sessions.login(request, credentials);
    }
    if (pathname === '/logout' && request.method === 'POST') return sessions.logout(request);
    if (pathname === '/page')
      return sessions.handle(request, async (bm) => {
        const session = await bm.getSession();
        let member: string | null = null;
        if (session?.kind === 'member') {
          try {
            member = (await bm.query(AuthMemberDocument, {})).authMember.username;
          } catch (error) {
            // A session that ended elsewhere renders as a guest's page.
            if (!(error instanceof SessionExpiredError)) throw error;
          }
        }
        return Response.json({ member });
      });
    return new Response('not found', { status: 404 });
  };
}
