import { makeErrorResult, makeResult, stringifyDocument, type Exchange, type Operation, type OperationResult } from '@urql/core';
import { make, pipe, subscribe } from 'wonka';
import { BettermodeError, ClientClosedError, HttpError, NetworkError, RateLimitedError, TimeoutError } from './bettermode-error';
import { ClientErrorCode } from './error-codes';
import { errorFromAnswer, errorFromFailure, isRateLimited, isUnauthorized, readGraphqlAnswer, type GraphqlAnswer } from './graphql-answer';
import { redact, redactValue } from './redact';
import type { SessionClock } from './session-clock';
import type { SessionMachine } from './session-machine';
import type { CancelTicket, Transport } from './transport/transport';

/** Bounded retries of failed queries (opt-in). */
export interface RetryOptions {
  /** Attempts after the first. @defaultValue 3 */
  attempts?: number;
  /** The longest wait between attempts; a longer `Retry-After` is still honoured. @defaultValue 30000 */
  maxDelayMs?: number;
}

/** What {@link BettermodeExchangeOptions.onResult} is told about each answer. */
export interface ResultInfo {
  operationName: string | undefined;
  kind: 'query' | 'mutation';
  /** The answer's `extensions`; Bettermode reports each operation's cost in `extensions.complexity`. */
  extensions: Record<string, unknown> | undefined;
}

/** What the exchange needs. */
export interface BettermodeExchangeOptions {
  machine: SessionMachine;
  transport: Transport;
  clock: SessionClock;
  timeoutMs: number;
  retry?: RetryOptions | undefined;
  onResult?: ((info: ResultInfo) => void) | undefined;
}

/** Variables whose names say they hold a secret; their values are cut out of errors. */
const secretVariableName = /pass|secret|token/i;
const backoffBaseMs = 250;

/**
 * The terminating exchange: it puts the session's token on every query and mutation, sends it,
 * and keeps the promises of `@urql/exchange-auth` without its queue keyed by `operation.key`
 * (which drops one of two identical mutations waiting for a refresh):
 *
 * - an operation waits while the session is loaded, a first token fetched, or a due token
 *   refreshed; any number of waiting operations share one transition (see {@link SessionMachine});
 * - each waiting operation is its own promise, so identical operations each settle exactly once;
 * - an auth failure (Bettermode's `Unauthorized`, or HTTP 401) causes one recovery (adopt a newer
 *   stored session, or refresh) and one retry, never a loop;
 * - a failed transition fails every operation that waited for it, with its typed error;
 * - a torn-down query is cancelled on the wire and answers nothing.
 *
 * With `retry`, a query (or a mutation whose context says `idempotent: true`) that was rate
 * limited, got a 502/503/504, or no answer at all, is sent again up to `attempts` times: after
 * the wait the API named (`Retry-After`, during which this client sends nothing at all), else
 * after an exponential backoff with full jitter.
 *
 * Everything is sent as a POST (GET would put variables, a password among them, into URLs), to
 * the session's own endpoint when the API named one (an app token's `gatewayUrl`).
 */
export function bettermodeExchange({ machine, transport, clock, timeoutMs, retry, onResult }: BettermodeExchangeOptions): { exchange: Exchange; dispose(): void } {
  const attempts = retry ? (retry.attempts ?? 3) : 0;
  const maxDelayMs = retry?.maxDelayMs ?? 30_000;
  const waits = new Set<() => void>();
  let pausedUntil = 0;
  let hookFailed = false;

  const report = (operation: Operation, extensions: Record<string, unknown> | undefined) => {
    try {
      onResult?.({ operationName: operationName(operation), kind: operation.kind as 'query' | 'mutation', extensions });
    } catch (error) {
      if (hookFailed) return;
      hookFailed = true;
      console.warn(`@bettermode-kit/client: an onResult hook threw (${error instanceof Error ? error.name : typeof error}); the result stands`);
    }
  };

  /** Resolves after `ms`, or at once when the client is disposed. */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waits.add(done);
    });

  const exchange: Exchange = () => (operations$) =>
    make<OperationResult>((observer) => {
      const tickets = new Map<number, Set<CancelTicket>>();
      let active = true;

      const execute = async (operation: Operation): Promise<OperationResult | null> => {
        let ticket: CancelTicket | undefined;
        if (operation.kind === 'query') {
          ticket = {};
          let forKey = tickets.get(operation.key);
          if (!forKey) tickets.set(operation.key, (forKey = new Set()));
          forKey.add(ticket);
        }
        try {
          const body = JSON.stringify(requestBody(operation));
          const retriable = attempts > 0 && (operation.kind === 'query' || operation.context.idempotent === true);
          for (let attempt = 0, authRetried = false; ; ) {
            if (machine.closed) throw new ClientClosedError('@bettermode-kit/client: the client is closed', { code: ClientErrorCode.ClientClosed });
            // After a rate-limit refusal, nothing is sent before the wait the API named.
            if (pausedUntil > Date.now()) await wait(pausedUntil - Date.now());
            let session = machine.usable();
            if (session === null) {
              await machine.prepare();
              session = machine.session;
            }
            if (ticket?.cancelled) return null;
            const generation = machine.generation;
            let failure: BettermodeError | undefined;
            let answer: GraphqlAnswer | undefined;
            const sentAt = Date.now();
            try {
              const response = await transport.send({
                url: session?.endpoint ?? operation.context.url,
                body,
                headers: requestHeaders(operation, session?.accessToken),
                timeoutMs,
                ticket,
                idempotent: operation.kind === 'query',
              });
              clock.observeRoundTrip(Date.now() - sentAt);
              const read = readGraphqlAnswer(response);
              if (read instanceof BettermodeError) failure = read;
              else answer = read;
            } catch (error) {
              if (ticket?.cancelled) return null;
              failure = errorFromFailure(error);
            }
            const refused = failure ? failure.status === 401 : answer?.errors !== undefined && answer.errors.some(isUnauthorized);
            if (refused && !authRetried) {
              authRetried = true;
              await machine.recover(generation);
              continue;
            }
            const rateLimited = failure instanceof RateLimitedError ? failure : answer?.errors?.some(isRateLimited) ? (errorFromAnswer(answer) as RateLimitedError) : undefined;
            if (retriable && attempt < attempts && (rateLimited || isTransient(failure))) {
              attempt += 1;
              if (rateLimited?.retryAfterMs !== undefined) {
                pausedUntil = Math.max(pausedUntil, Date.now() + rateLimited.retryAfterMs);
              } else {
                await wait(Math.random() * Math.min(maxDelayMs, backoffBaseMs * 2 ** attempt));
              }
              continue;
            }
            if (failure) return makeErrorResult(operation, failure);
            const result = toResult(operation, answer as GraphqlAnswer, machine.secrets());
            if (onResult) report(operation, result.extensions);
            return result;
          }
        } catch (error) {
          if (ticket?.cancelled) return null;
          return makeErrorResult(operation, errorFromFailure(error));
        } finally {
          if (ticket) {
            const forKey = tickets.get(operation.key);
            forKey?.delete(ticket);
            if (forKey?.size === 0) tickets.delete(operation.key);
          }
        }
      };

      const cancel = (key: number) => {
        const forKey = tickets.get(key);
        if (!forKey) return;
        tickets.delete(key);
        for (const ticket of forKey) {
          ticket.cancelled = true;
          ticket.cancel?.();
        }
      };

      const subscription = pipe(
        operations$,
        subscribe((operation: Operation) => {
          if (operation.kind === 'teardown') return cancel(operation.key);
          if (operation.kind !== 'query' && operation.kind !== 'mutation') {
            observer.next(makeErrorResult(operation, new BettermodeError('Subscriptions are not supported by @bettermode-kit/client', { code: ClientErrorCode.GraphQL })));
            return;
          }
          execute(operation).then((result) => {
            if (result && active) observer.next(result);
          });
        }),
      );
      return () => {
        active = false;
        subscription.unsubscribe();
        for (const key of [...tickets.keys()]) cancel(key);
      };
    });

  return {
    exchange,
    dispose() {
      for (const done of [...waits]) done();
    },
  };
}

/** No answer, or a gateway's: worth another attempt. */
function isTransient(failure: BettermodeError | undefined): boolean {
  if (failure instanceof NetworkError || failure instanceof TimeoutError) return true;
  return failure instanceof HttpError && (failure.status === 502 || failure.status === 503 || failure.status === 504);
}

function requestBody(operation: Operation) {
  const body: { query: string; operationName?: string; variables?: object; extensions?: object } = { query: stringifyDocument(operation.query) };
  const name = operationName(operation);
  if (name) body.operationName = name;
  if (operation.variables && Object.keys(operation.variables).length > 0) body.variables = operation.variables;
  if (operation.extensions) body.extensions = operation.extensions;
  return body;
}

const operationNames = new WeakMap<object, string | undefined>();

function operationName(operation: Operation): string | undefined {
  const document = operation.query;
  if (operationNames.has(document)) return operationNames.get(document);
  let name: string | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition') {
      name = definition.name?.value;
      break;
    }
  }
  operationNames.set(document, name);
  return name;
}

function requestHeaders(operation: Operation, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  const fetchOptions = operation.context.fetchOptions;
  if (fetchOptions) {
    const extra = (typeof fetchOptions === 'function' ? fetchOptions() : fetchOptions).headers;
    if (extra) new Headers(extra).forEach((value, name) => (headers[name] = value));
  }
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** The urql result of a GraphQL answer; error messages and extensions redacted. */
function toResult(operation: Operation, answer: GraphqlAnswer, sessionSecrets: string[]): OperationResult {
  if (answer.errors === undefined || answer.errors.length === 0) {
    return makeResult(operation, { data: answer.data ?? undefined, extensions: answer.extensions }, { status: answer.status, retryAfter: answer.retryAfter });
  }
  const secrets = [...sessionSecrets, ...variableSecrets(operation.variables)];
  const errors = answer.errors.map((error) => ({
    ...error,
    message: redact(String(error.message), secrets),
    ...(error.extensions ? { extensions: redactValue(error.extensions, secrets) as Record<string, unknown> } : {}),
  }));
  return makeResult(operation, { data: answer.data ?? undefined, errors, extensions: answer.extensions }, { status: answer.status, retryAfter: answer.retryAfter });
}

function variableSecrets(variables: unknown, found: string[] = [], depth = 0): string[] {
  if (typeof variables !== 'object' || variables === null || depth > 4) return found;
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && secretVariableName.test(name)) found.push(value);
    else variableSecrets(value, found, depth + 1);
  }
  return found;
}
