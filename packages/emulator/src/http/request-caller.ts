import type { BasicCredentials, Caller } from '../emulator-schema';
import type { EmulatorState } from '../emulator-state';
import type { TokenService } from '../token-service';

const bearerPattern = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const basicPattern = /^Basic ([A-Za-z0-9+/=]+)$/i;

/**
 * Who sent a request, from its `Authorization` header: the caller of a valid Bearer token (a
 * guest, or a member who still exists), and the HTTP Basic `clientId:clientSecret` apps send to
 * `limitedToken`. Anything else is nobody.
 */
export async function requestCaller(
  authorization: string | null,
  state: EmulatorState,
  tokens: TokenService,
): Promise<{ caller: Caller | null; basic: BasicCredentials | null }> {
  return { caller: await bearerCaller(authorization, state, tokens), basic: basicCredentials(authorization) };
}

function basicCredentials(header: string | null): BasicCredentials | null {
  const encoded = header?.match(basicPattern)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) } : null;
}

async function bearerCaller(header: string | null, state: EmulatorState, tokens: TokenService): Promise<Caller | null> {
  const token = header?.match(bearerPattern)?.[1];
  if (!token) return null;
  const claims = await tokens.verifyAccessToken(token);
  if (!claims || claims.networkId !== state.network.id) return null;
  if (claims.roleType === 'guest') return { claims, member: null };
  const member = state.membersById.get(claims.id);
  return member ? { claims, member } : null;
}
