import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import type { SessionCookies } from '../index';

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);

/**
 * The page and routes of the Next.js example, as a plain `Request → Response` handler (what React
 * Router, Hono or SvelteKit hand a request to): `GET /` rendered with the member's session, and
 * `sessions.routes()` under `/api/bettermode/`.
 */
export function plainSessionApp(sessions: SessionCookies): (request: Request) => Promise<Response> {
  const routes = sessions.routes();
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/api/bettermode/')) return routes(request);
    if (pathname !== '/') return new Response('not found', { status: 404 });
    return sessions.handle(request, async (bm) => {
      const [{ networkPublicInfo }, session] = await Promise.all([
        bm.query(NetworkPublicInfoDocument, {}),
        bm.getSession(),
      ]);
      const member = session?.kind === 'member' ? (await bm.query(AuthMemberDocument, {})).authMember : null;
      const html = [
        '<!doctype html><html lang="en"><body><main>',
        `<h1 data-testid="network-name">${escape(networkPublicInfo.name)}</h1>`,
        member
          ? `<p data-testid="server-member">Rendered on the server for <strong>${escape(member.name ?? '')}</strong></p>`
          : '',
        '</main></body></html>',
      ].join('');
      return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    });
  };
}
