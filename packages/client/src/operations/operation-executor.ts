import { print } from '@0no-co/graphql.web';
import type { DocumentNode } from 'graphql';
import {
  type BettermodeError,
  clientClosedError,
  HttpError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
} from '../errors/bettermode-error';
import {
  errorFromAnswer,
  errorFromFailure,
  isRateLimited,
  isUnauthorized,
  type GraphqlAnswer,
} from '../http/graphql-answer';
import { postGraphql } from '../http/post-graphql';
import type { OperationKind } from './operation-kind';
import { ApiErrorCode } from '../errors/error-codes';
import { packageName } from '../errors/package-name';
import type { SessionClock } from '../session/session-clock';
import type { SessionMachine } from '../session/session-machine';
import type { CancelTicket, Transport } from '../transport/transport';

/** Bounded retries of failed queries (opt-in). */
export interface RetryOptions {
  /** Attempts after the first. @defaultValue 3 */
  attempts?: number;
  /** The longest wait between attempts; a longer `Retry-After` is still honoured. @defaultValue 30000 */
  maxDelayMs?: number;
}

/** What `onResult` is told about each answer. */
export interface ResultInfo {
  operationName: string | undefined;
  kind: OperationKind;
  /** The answer's `extensions`; Bettermode reports each operation's cost in `extensions.complexity`. */
  extensions: Record<string, unknown> | undefined;
}

/** One operation to send. */
export interface OperationRequest {
  kind: OperationKind;
  document: DocumentNode;
  variables: object | undefined;
  extensions?: object | undefined;
  url: string;
  /** Headers of the caller's own (urql's `fetchOptions`), besides the client's. */
  headers?: Record<string, string> | undefined;
  /** A mutation the caller marked safe to retry. */
  idempotent?: boolean | undefined;
  /** Set to cancel it (a torn-down query). */
  ticket?: CancelTicket | undefined;
}

/** A GraphQL answer (with or without errors), the typed failure, or null when it was cancelled. */
export type OperationOutcome =
  { answer: GraphqlAnswer; failure?: undefined } | { failure: BettermodeError; answer?: undefined } | null;

export interface OperationExecutorOptions {
  machine: SessionMachine;
  transport: Transport;
  clock: SessionClock;
  timeoutMs: number;
  /** Every operation settles within this, from the call (the client's promise deadline). */
  deadlineMs: number;
  retry?: RetryOptions | undefined;
  onResult?: ((info: ResultInfo) => void) | undefined;
}

const backoffBaseMs = 250;

/**
 * Sends operations with the session's token, the one path every operation takes (through urql's
 * exchange, or straight from `bm.query`):
 *
 * - it waits while the session is loaded, a first token fetched, or a due token refreshed; any
 *   number of waiting operations share one transition (see {@link SessionMachine});
 * - an auth failure (Bettermode's `Unauthorized`, or HTTP 401) causes one recovery (adopt a newer
 *   stored session, or refresh) and one retry, never a loop;
 * - with `retry`, a query (or a mutation marked idempotent) that was rate limited, got a
 *   502/503/504, or no answer, is sent again up to `attempts` times: after the wait the API named
 *   (during which this client sends nothing at all), else after an exponential backoff with full
 *   jitter;
 * - it is sent as a POST, to the session's own endpoint when the API named one (an app token's
 *   `gatewayUrl`).
 */
export function createOperationExecutor({
  machine,
  transport,
  clock,
  timeoutMs,
  deadlineMs,
  retry,
  onResult,
}: OperationExecutorOptions) {
  const attempts = retry ? (retry.attempts ?? 3) : 0;
  const maxDelayMs = retry?.maxDelayMs ?? 30_000;
  // Made at the first wait: most clients (a server's, one per request) never wait.
  let waits: Set<() => void> | undefined;
  /** Until when nothing is sent: the wait the API named in a rate-limit refusal. */
  let pausedUntil = 0;
  let hookFailed = false;

  /** Resolves after `ms`, or at once when the client is disposed. */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits?.delete(done);
        resolve();
      };
      // setTimeout fires at once past 2^31 - 1 ms; no wait here is meant to be that long.
      const timer = setTimeout(done, Math.min(ms, maxTimerMs));
      (waits ??= new Set()).add(done);
    });

  const report = (request: OperationRequest, extensions: Record<string, unknown> | undefined) => {
    try {
      onResult?.({ operationName: documentInfo(request.document).name, kind: request.kind, extensions });
    } catch (error) {
      if (hookFailed) return;
      hookFailed = true;
      console.warn(
        `${packageName}: an onResult hook threw (${error instanceof Error ? error.name : typeof error}); the result stands`,
      );
    }
  };

  async function execute(request: OperationRequest): Promise<OperationOutcome> {
    const { ticket } = request;
    // The latest moment a send may start and still be answered before the caller's deadline.
    const lastSendAt = Date.now() + deadlineMs - timeoutMs;
    try {
      const body = requestBody(request);
      const retriable = attempts > 0 && (request.kind === 'query' || request.idempotent === true);
      for (let attempt = 0, authRetried = false; ;) {
        if (machine.closed) throw clientClosedError();
        // After a rate-limit refusal, nothing is sent before the wait the API named; a wait that
        // ends past this operation's deadline fails it now, as what it is, not later as a timeout.
        if (pausedUntil > Date.now()) {
          if (pausedUntil > lastSendAt) return { failure: pausedError(pausedUntil - Date.now()) };
          await wait(pausedUntil - Date.now());
        }
        let session = machine.usable();
        if (session === null) {
          await machine.prepare();
          session = machine.session;
        }
        if (ticket?.cancelled) return null;
        const generation = machine.generation;
        const exchange = await postGraphql(transport, {
          url: session?.endpoint ?? request.url,
          body,
          authorization: session?.accessToken === undefined ? undefined : `Bearer ${session.accessToken}`,
          headers: request.headers,
          timeoutMs,
          ticket,
          idempotent: request.kind === 'query',
        });
        if (exchange.receivedAt === undefined) {
          if (ticket?.cancelled) return null;
        } else clock.observeRoundTrip(exchange.receivedAt - exchange.sentAt);
        const { failure, answer } = exchange;
        const refused = failure
          ? failure.status === 401
          : answer?.errors !== undefined && answer.errors.some(isUnauthorized);
        if (refused && !authRetried) {
          authRetried = true;
          await machine.recover(generation);
          // A mutation whose answer holds data ran at least in part: sent again, it would run twice.
          if (!(request.kind === 'mutation' && ranInPart(answer))) continue;
        }
        if (retriable && attempt < attempts) {
          const rateLimited =
            failure instanceof RateLimitedError
              ? failure
              : answer?.errors?.some(isRateLimited)
                ? (errorFromAnswer(answer) as RateLimitedError)
                : undefined;
          if (rateLimited || isTransient(failure)) {
            if (rateLimited?.retryAfterMs !== undefined) {
              // A day at most: Bettermode's longest window; a longer wait is no reason to stop for years.
              pausedUntil = Math.max(pausedUntil, Date.now() + Math.min(rateLimited.retryAfterMs, longestPauseMs));
              if (pausedUntil > lastSendAt) return { failure: rateLimited };
            } else await wait(Math.random() * Math.min(maxDelayMs, backoffBaseMs * 2 ** (attempt + 1)));
            attempt += 1;
            continue;
          }
        }
        if (failure) return { failure };
        if (onResult) report(request, (answer as GraphqlAnswer).extensions);
        return { answer: answer as GraphqlAnswer };
      }
    } catch (error) {
      if (ticket?.cancelled) return null;
      return { failure: errorFromFailure(error) };
    }
  }

  return {
    execute,
    /** Ends every wait (a backoff, a rate-limit pause) at once: the client is closing. */
    dispose() {
      if (waits) for (const done of [...waits]) done();
    },
  };
}

/** The longest a timer waits (2^31 - 1 ms); a longer delay would fire at once. */
const maxTimerMs = 2_147_483_647;
/** The longest pause a rate-limit refusal makes: Bettermode's daily window. */
const longestPauseMs = 24 * 60 * 60 * 1000;

/** Whether a GraphQL answer holds data for at least one field: the operation ran at least in part. */
function ranInPart(answer: GraphqlAnswer | undefined): boolean {
  const data = answer?.data;
  if (data == null) return false;
  for (const key in data) if (data[key] != null) return true;
  return false;
}

/** The refusal for an operation that would wait past its deadline behind a rate-limit pause. */
function pausedError(retryAfterMs: number): RateLimitedError {
  return new RateLimitedError("Rate limited: the wait Bettermode named ends after this operation's deadline", {
    code: ApiErrorCode.RateLimited,
    retryAfterMs,
  });
}

/** No answer, or a gateway's: worth another attempt. */
function isTransient(failure: BettermodeError | undefined): boolean {
  if (failure instanceof NetworkError || failure instanceof TimeoutError) return true;
  return failure instanceof HttpError && (failure.status === 502 || failure.status === 503 || failure.status === 504);
}

interface DocumentInfo {
  name: string | undefined;
  /** The JSON body up to the variables: `{"query":"…","operationName":"…"`. */
  bodyStart: string;
}

const documents = new WeakMap<object, DocumentInfo>();

/** The operation name and the start of its JSON body, computed once per document. */
export function documentInfo(document: DocumentNode): DocumentInfo {
  let info = documents.get(document);
  if (!info) {
    let name: string | undefined;
    for (const definition of document.definitions) {
      if (definition.kind === 'OperationDefinition') {
        name = definition.name?.value;
        break;
      }
    }
    const query = print(document as Parameters<typeof print>[0]);
    const head = JSON.stringify(name ? { query, operationName: name } : { query });
    info = { name, bodyStart: head.slice(0, -1) };
    documents.set(document, info);
  }
  return info;
}

function requestBody(request: OperationRequest): string {
  let body = documentInfo(request.document).bodyStart;
  const { variables, extensions } = request;
  if (variables) {
    for (const _ in variables) {
      body += `,"variables":${JSON.stringify(variables)}`;
      break;
    }
  }
  if (extensions) body += `,"extensions":${JSON.stringify(extensions)}`;
  return `${body}}`;
}

/** Sends operations with the session's token; see {@link createOperationExecutor}. */
export type OperationExecutor = ReturnType<typeof createOperationExecutor>;
