import { BettermodeError } from '@bettermode-kit/client';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { getBettermodeClient } from '../lib/bettermode';
import { Session } from './session';

/** Rendered per request on the server, with the member's session from the cookie. */
export const dynamic = 'force-dynamic';

export default async function CommunityPage() {
  const bm = await getBettermodeClient();
  try {
    const [{ networkPublicInfo }, session] = await Promise.all([
      bm.query(NetworkPublicInfoDocument, {}),
      bm.getSession(),
    ]);
    const member = session?.kind === 'member' ? (await bm.query(AuthMemberDocument, {})).authMember : null;
    return (
      <main>
        <header>
          <h1 data-testid="network-name">{networkPublicInfo.name}</h1>
          <p className="muted">
            {networkPublicInfo.domain}, {networkPublicInfo.visibility}
          </p>
        </header>
        {member && (
          <p data-testid="server-member">
            Rendered on the server for <strong>{member.name}</strong> (@{member.username})
          </p>
        )}
        <Session session={session?.kind === 'member' ? session : null} />
      </main>
    );
  } catch (error) {
    // Bettermode unreachable or refusing: a page that says so, with no detail that could hold a secret.
    if (!(error instanceof BettermodeError)) throw error;
    return (
      <main>
        <p role="alert" data-testid="page-error">
          Bettermode did not answer ({error.code}). Reload to try again.
        </p>
      </main>
    );
  }
}
