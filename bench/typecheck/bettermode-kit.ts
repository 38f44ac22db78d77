// The login flow with bettermode-kit, type-checked as a strict consumer would.
import { createBettermodeClient, type Session } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';

export async function loginFlow(endpoint: string): Promise<string | null> {
  const bm = createBettermodeClient({ endpoint, networkDomain: 'community.bettermode.io' });
  const session: Session = await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
  const { authMember } = await bm.query(AuthMemberDocument, {});
  bm.close();
  return authMember.name ?? session.member.name;
}
