import { LimitedTokenSource, type LimitedTokenQuery } from '@bettermode-kit/operations';
import { BettermodeError, InvalidResponseError } from '../errors/bettermode-error';
import { ClientErrorCode } from '../errors/error-codes';
import { resendIfLost, sendTokenOperation } from './token-operation';
import { storedAppSessionFrom } from './session';
import type { SessionClock } from './session-clock';
import type { TokenApi } from './token-api';
import type { Transport } from '../transport/transport';

export interface AppTokenApiOptions {
  transport: Transport;
  url: string;
  timeoutMs: number;
  clock: SessionClock;
  clientId: string;
  clientSecret: string;
  networkId: string;
  /** The member to act as; the app's bot account when omitted. */
  memberId?: string | undefined;
}

/**
 * Mints app tokens with `limitedToken(context: NETWORK, networkId, entityId: networkId
 * [, impersonateMemberId])`, sent with HTTP Basic `clientId:clientSecret`. An app token has no
 * refresh token: the machine mints a new one when it is due or refused.
 */
export function createAppTokenApi({
  transport,
  url,
  timeoutMs,
  clock,
  clientId,
  clientSecret,
  networkId,
  memberId,
}: AppTokenApiOptions): TokenApi {
  const basic = `Basic ${base64(`${clientId}:${clientSecret}`)}`;
  const limitedToken = {
    query: LimitedTokenSource,
    operationName: 'LimitedToken',
    variables: {
      context: 'NETWORK',
      networkId,
      entityId: networkId,
      ...(memberId ? { impersonateMemberId: memberId } : {}),
    },
    authorization: basic,
    idempotent: true,
    secrets: [clientSecret, basic],
  };
  const unsupported = () =>
    Promise.reject(new BettermodeError('An app client has no member login', { code: ClientErrorCode.GraphQL }));

  return {
    async start() {
      // A mint whose answer was lost is minted again: an app token holds no session to lose.
      const { data, sentAt, receivedAt } = await resendIfLost(() =>
        sendTokenOperation({ transport, url, timeoutMs, clock }, limitedToken),
      );
      const token = (data as LimitedTokenQuery | null | undefined)?.limitedToken;
      if (!token?.accessToken)
        throw new InvalidResponseError('limitedToken answered without a token', {
          code: ClientErrorCode.InvalidResponse,
        });
      const session = storedAppSessionFrom(token);
      clock.observeToken(session, sentAt, receivedAt);
      return session;
    },
    refresh: unsupported,
    login: unsupported,
    logout: unsupported,
  };
}

/** Base64 of UTF-8 text, in Node and in browsers alike. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
