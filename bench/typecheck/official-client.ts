// The same flow with Bettermode's official client, through its published entry points.
import { TribeClient } from '@tribeplatform/gql-client/client';

export async function loginFlow(endpoint: string): Promise<string | null | undefined> {
  const client = new TribeClient({ graphqlUrl: endpoint });
  const guest = await client.getTokens({ networkDomain: 'community.bettermode.io' });
  client.setToken(guest.accessToken);
  const login = await client.auth.login({
    input: { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' },
  });
  client.setToken(login.accessToken);
  const member = await client.auth.authMember();
  return member.name;
}
