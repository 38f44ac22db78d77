import { HttpError, NetworkError } from '../errors/bettermode-error';
import { errorFromAnswer } from '../http/graphql-answer';
import { postGraphql } from '../http/post-graphql';
import type { SessionClock } from './session-clock';
import type { Transport } from '../transport/transport';

/** Where token operations go, and the clock that learns the round trip from each. */
export interface TokenOperationTarget {
  transport: Transport;
  url: string;
  timeoutMs: number;
  clock: SessionClock;
}

/** One token operation, sent as text (generated beside the documents: no document AST in the bundle). */
export interface TokenOperation {
  query: string;
  operationName: string;
  variables: object;
  /** The whole `Authorization` header value, if any. */
  authorization?: string | undefined;
  /** Whether a request on a reused socket that was reset may be sent again. */
  idempotent: boolean;
  /** Values to keep out of any error (the call's tokens, password or client secret). */
  secrets: readonly string[];
}

/**
 * Sends a token operation on the client's one GraphQL path and reads its answer: `data` with the
 * times it was sent and answered, or a typed {@link BettermodeError} with no secret in it.
 */
export async function sendTokenOperation(
  { transport, url, timeoutMs, clock }: TokenOperationTarget,
  operation: TokenOperation,
) {
  const body = JSON.stringify({
    query: operation.query,
    operationName: operation.operationName,
    variables: operation.variables,
  });
  const exchange = await postGraphql(transport, {
    url,
    body,
    authorization: operation.authorization,
    timeoutMs,
    idempotent: operation.idempotent,
  });
  if (exchange.receivedAt !== undefined) clock.observeRoundTrip(exchange.receivedAt - exchange.sentAt);
  if (exchange.failure) throw exchange.failure;
  const { answer, sentAt, receivedAt } = exchange;
  if (answer.errors?.length) throw errorFromAnswer(answer, operation.secrets);
  return { data: answer.data ?? {}, sentAt, receivedAt };
}

/**
 * Runs `call`, and once more if its answer was lost on the way (the connection dropped, a 5xx
 * from a proxy). For token operations a server answers alike when sent twice: a refresh or a
 * logout within the reuse interval gets the same result, a guest token or an app token is simply
 * minted again. A timeout is not resent here: that would double the caller's wait.
 */
export async function resendIfLost<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const lost = error instanceof NetworkError || (error instanceof HttpError && (error.status ?? 0) >= 500);
    if (!lost) throw error;
    return call();
  }
}
