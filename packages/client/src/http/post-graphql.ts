import { BettermodeError } from '../errors/bettermode-error';
import type { CancelTicket, Transport } from '../transport/transport';
import { errorFromFailure, readGraphqlAnswer, type GraphqlAnswer } from './graphql-answer';

/** One GraphQL-over-HTTP POST. */
export interface GraphqlPost {
  url: string;
  /** The JSON body, already serialized. */
  body: string;
  /** The whole `Authorization` value (`Bearer …`, `Basic …`), if any. */
  authorization?: string | undefined;
  /** The caller's own headers (urql's `fetchOptions`); the client's own win over them. */
  headers?: Record<string, string> | undefined;
  timeoutMs: number;
  /** Safe to send twice: a transport may resend it once when a kept-alive connection closed under it. */
  idempotent: boolean;
  /** Set to cancel it (a torn-down operation). */
  ticket?: CancelTicket | undefined;
}

/**
 * What came of a POST: a GraphQL answer (with or without errors) or the typed failure, with the
 * time it was sent and, when an HTTP answer came, the time it came. The callers feed the times to
 * the session clock themselves.
 */
export type GraphqlExchange =
  | { answer: GraphqlAnswer; failure?: undefined; sentAt: number; receivedAt: number }
  | { failure: BettermodeError; answer?: undefined; sentAt: number; receivedAt: number | undefined };

const jsonHeaders = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
};

/**
 * Sends one GraphQL POST and reads its answer: the one path every request of the client takes,
 * operations and token calls alike. It never throws; a request that got no answer (refused,
 * reset, timed out, cancelled) is a typed failure with no `receivedAt`.
 */
export async function postGraphql(transport: Transport, post: GraphqlPost): Promise<GraphqlExchange> {
  const sentAt = Date.now();
  let response;
  try {
    response = await transport.send({
      url: post.url,
      body: post.body,
      headers: graphqlHeaders(post.authorization, post.headers),
      timeoutMs: post.timeoutMs,
      ticket: post.ticket,
      idempotent: post.idempotent,
    });
  } catch (error) {
    return { failure: errorFromFailure(error), sentAt, receivedAt: undefined };
  }
  const receivedAt = Date.now();
  const read = readGraphqlAnswer(response);
  return read instanceof BettermodeError ? { failure: read, sentAt, receivedAt } : { answer: read, sentAt, receivedAt };
}

/** The request headers: one literal of one shape on the hot path; the caller's own, when any, first. */
function graphqlHeaders(
  authorization: string | undefined,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  const own: Record<string, string> = authorization
    ? { 'content-type': jsonHeaders['content-type'], accept: jsonHeaders.accept, authorization }
    : { 'content-type': jsonHeaders['content-type'], accept: jsonHeaders.accept };
  return extra ? { ...extra, ...own } : own;
}
