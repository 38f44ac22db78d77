import {
  LoginNetworkSource,
  LogoutNetworkSource,
  TokensSource,
  type AuthTokenFieldsFragment,
  type TokensQueryVariables,
} from '@bettermode-kit/operations';
import { InvalidResponseError } from '../errors/bettermode-error';
import { ClientErrorCode } from '../errors/error-codes';
import { storedSessionFrom, type LoginCredentials, type StoredSession } from './session';
import { resendIfLost, sendTokenOperation } from './token-operation';
import type { SessionClock } from './session-clock';
import type { Transport } from '../transport/transport';

/** The calls that obtain and end tokens; each throws a typed `BettermodeError`. */
export interface TokenApi {
  /** A new session of the client's own kind: a guest's (`tokens(networkDomain | networkId)`), or an app's (`limitedToken`). */
  start(): Promise<StoredSession>;
  /** The next tokens of a member session: `tokens(refreshToken)`. */
  refresh(refreshToken: string): Promise<StoredSession>;
  /** `loginNetwork`, sent with `bearer` (a guest's or a member's access token). */
  login(credentials: LoginCredentials, bearer: string): Promise<StoredSession>;
  /** `logoutNetwork(sessionId)`, sent with an access token of that session. */
  logout(sessionId: string, bearer: string): Promise<void>;
}

export interface TokenApiOptions {
  transport: Transport;
  url: string;
  timeoutMs: number;
  network: Pick<TokensQueryVariables, 'networkDomain' | 'networkId'>;
  clock: SessionClock;
  /** Values to keep out of errors besides the call's own (the current tokens). */
  secrets: () => readonly string[];
}

/**
 * Sends the token operations straight over the transport, never through the urql pipeline: they
 * must not wait behind the operations that wait for them. A refresh or a logout whose answer was
 * lost is sent once more with the same token: if the server did act on the first, its reuse
 * interval answers the second with the same result, and a lost answer costs no session.
 */
export function createTokenApi(options: TokenApiOptions): TokenApi {
  return new MemberTokenApi(options);
}

/**
 * The token calls of a member client. A class, not closures: a server makes a client per request
 * and most requests call none of these, so each client holds one small object.
 */
class MemberTokenApi implements TokenApi {
  readonly #options: TokenApiOptions;

  constructor(options: TokenApiOptions) {
    this.#options = options;
  }

  start(): Promise<StoredSession> {
    return resendIfLost(() =>
      this.#session('tokens', this.#post(TokensSource, 'Tokens', this.#options.network, null, []), 'guest'),
    );
  }

  refresh(refreshToken: string): Promise<StoredSession> {
    return resendIfLost(() =>
      this.#session('tokens', this.#post(TokensSource, 'Tokens', { refreshToken }, null, [refreshToken]), 'member'),
    );
  }

  login(credentials: LoginCredentials, bearer: string): Promise<StoredSession> {
    return this.#session(
      'loginNetwork',
      this.#post(LoginNetworkSource, 'LoginNetwork', { input: credentials }, bearer, [credentials.password, bearer]),
      'member',
    );
  }

  logout(sessionId: string, bearer: string): Promise<void> {
    return resendIfLost(async () => {
      await this.#post(LogoutNetworkSource, 'LogoutNetwork', { input: { sessionId } }, bearer, [bearer]);
    });
  }

  #post(query: string, operationName: string, variables: object, bearer: string | null, ownSecrets: string[]) {
    const { secrets } = this.#options;
    return sendTokenOperation(this.#options, {
      query,
      operationName,
      variables,
      authorization: bearer ? `Bearer ${bearer}` : undefined,
      idempotent: operationName === 'Tokens',
      secrets: [...ownSecrets, ...secrets()],
    });
  }

  async #session(
    field: 'tokens' | 'loginNetwork',
    call: ReturnType<typeof sendTokenOperation>,
    kind: StoredSession['kind'],
  ): Promise<StoredSession> {
    const { data, sentAt, receivedAt } = await call;
    const token = data[field] as AuthTokenFieldsFragment | undefined;
    if (!token?.accessToken)
      throw new InvalidResponseError(`${field} answered without a token`, { code: ClientErrorCode.InvalidResponse });
    const stored = storedSessionFrom(token, kind);
    this.#options.clock.observeToken(stored, sentAt, receivedAt);
    return stored;
  }
}
