import { TokensDocument, type TokensQueryVariables } from '@bettermode-kit/operations';
import type { Client, Exchange, Operation } from '@urql/core';
import { authExchange } from '@urql/exchange-auth';
import { InvalidResponseError, SessionExpiredError, UnauthorizedError } from './bettermode-error';
import { ClientErrorCode } from './error-codes';
import { storedSessionFrom, type StoredSession } from './session';
import type { SessionKeeper } from './session-keeper';
import { isAuthError, toBettermodeError } from './to-bettermode-error';

/** What the auth exchange needs to know. */
export interface BettermodeAuthOptions {
  keeper: SessionKeeper;
  /**
   * Runs `tokens`. A client of its own (fetch only), since `tokens` is a query that needs no
   * Bearer and must never wait in the auth queue it is refilling.
   */
  tokenClient: Client;
  /** How guests are identified to `tokens`. */
  network: Pick<TokensQueryVariables, 'networkDomain' | 'networkId'>;
  refreshLeewaySeconds: number;
  now: () => number;
}

/** Operations that obtain tokens: they need at most a guest token and never trigger a refresh. */
const tokenOperations = new Set(['Tokens', 'LoginNetwork']);


function operationName(operation: Operation): string | undefined {
  for (const definition of operation.query.definitions) {
    if (definition.kind === 'OperationDefinition') return definition.name?.value;
  }
  return undefined;
}

/**
 * The auth exchange: `@urql/exchange-auth` configured for Bettermode. It queues operations
 * while a token is fetched, runs one refresh at a time and retries an operation once.
 *
 * - no session: a guest token from `tokens(networkDomain)`;
 * - before expiry (leeway, capped at half the token's lifetime): a member refreshes with
 *   `tokens(refreshToken)`, a guest gets a new guest token;
 * - an auth error anyway: one refresh, one retry;
 * - a refused refresh token: the session becomes a guest's and the operation fails with
 *   {@link SessionExpiredError}.
 */
export function bettermodeAuthExchange({ keeper, tokenClient, network, refreshLeewaySeconds, now }: BettermodeAuthOptions): Exchange {
  return authExchange(async (utils) => {
    await keeper.load();

    const fetchTokens = async (variables: TokensQueryVariables, kind: StoredSession['kind']) => {
      const result = await tokenClient.query(TokensDocument, variables).toPromise();
      if (result.data?.tokens) return storedSessionFrom(result.data.tokens, kind, now());
      if (result.error) throw toBettermodeError(result.error);
      throw new InvalidResponseError('tokens answered without data', { code: ClientErrorCode.InvalidResponse });
    };

    const expiresSoon = (session: StoredSession) => {
      const current = now();
      // A clock turned back makes every expiry unreliable: refresh.
      if (current < session.receivedAt - 1000) return true;
      const lifetime = session.expiresAt - session.receivedAt;
      const leeway = Math.min(refreshLeewaySeconds * 1000, Math.max(lifetime, 0) / 2);
      return current >= session.expiresAt - leeway;
    };

    return {
      addAuthToOperation(operation) {
        const session = keeper.current;
        if (!session) return operation;
        return utils.appendHeaders(operation, { Authorization: `Bearer ${session.accessToken}` });
      },
      willAuthError(operation) {
        const session = keeper.current;
        if (!session) return true;
        if (tokenOperations.has(operationName(operation) ?? '')) return false;
        return expiresSoon(session);
      },
      didAuthError: (error) => isAuthError(error),
      async refreshAuth() {
        const session = keeper.current;
        if (session?.kind !== 'member') {
          const guest = await fetchTokens(network, 'guest');
          await keeper.set(guest, session ? 'refresh' : 'guest');
          return;
        }
        try {
          await keeper.set(await fetchTokens({ refreshToken: session.refreshToken }, 'member'), 'refresh');
        } catch (error) {
          // A network failure keeps the session; only a refused refresh token ends it.
          if (!(error instanceof UnauthorizedError)) throw error;
          const guest = await fetchTokens(network, 'guest').catch(() => null);
          await keeper.set(guest, 'session-expired');
          throw new SessionExpiredError('The member session has ended (its refresh token was refused); log in again', {
            code: ClientErrorCode.SessionExpired,
            graphQLErrors: error.graphQLErrors,
          });
        }
      },
    };
  });
}
