import { makeErrorResult, makeResult, stringifyDocument, type Exchange, type Operation, type OperationResult } from '@urql/core';
import { make, pipe, subscribe } from 'wonka';
import { BettermodeError, ClientClosedError } from './bettermode-error';
import { ClientErrorCode } from './error-codes';
import { errorFromFailure, isUnauthorized, readGraphqlAnswer, type GraphqlAnswer } from './graphql-answer';
import { redact, redactValue } from './redact';
import type { SessionClock } from './session-clock';
import type { SessionMachine } from './session-machine';
import type { CancelTicket, Transport } from './transport/transport';

/** What the exchange needs. */
export interface BettermodeExchangeOptions {
  machine: SessionMachine;
  transport: Transport;
  clock: SessionClock;
  timeoutMs: number;
}

/** Variables whose names say they hold a secret; their values are cut out of errors. */
const secretVariableName = /pass|secret|token/i;

/**
 * The terminating exchange: it puts the session's token on every query and mutation, sends it,
 * and keeps the promises of `@urql/exchange-auth` without its queue keyed by `operation.key`
 * (which drops one of two identical mutations waiting for a refresh):
 *
 * - an operation waits while the session is loaded, a first guest token fetched, or a due token
 *   refreshed; any number of waiting operations share one transition (see {@link SessionMachine});
 * - each waiting operation is its own promise, so identical operations each settle exactly once;
 * - an auth failure (Bettermode's `Unauthorized`, or HTTP 401) causes one recovery (adopt a newer
 *   stored session, or refresh) and one retry, never a loop;
 * - a failed transition fails every operation that waited for it, with its typed error;
 * - a torn-down query is cancelled on the wire and answers nothing.
 *
 * Everything is sent as a POST (GET would put variables, a password among them, into URLs).
 */
export function bettermodeExchange({ machine, transport, clock, timeoutMs }: BettermodeExchangeOptions): Exchange {
  return () => (operations$) =>
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
          for (let retried = false; ; retried = true) {
            if (machine.closed) throw new ClientClosedError('@bettermode-kit/client: the client is closed', { code: ClientErrorCode.ClientClosed });
            let session = machine.usable();
            if (session === null) {
              await machine.prepare();
              if (ticket?.cancelled) return null;
              session = machine.session;
            }
            const generation = machine.generation;
            const headers = requestHeaders(operation, session?.accessToken);
            const sentAt = Date.now();
            const response = await transport.send({ url: operation.context.url, body, headers, timeoutMs, ticket });
            clock.observeRoundTrip(Date.now() - sentAt);
            const answer = readGraphqlAnswer(response);
            const refused = answer instanceof BettermodeError ? answer.status === 401 : answer.errors !== undefined && answer.errors.some(isUnauthorized);
            if (refused && !retried) {
              await machine.recover(generation);
              continue;
            }
            return answer instanceof BettermodeError ? makeErrorResult(operation, answer) : toResult(operation, answer, machine.secrets());
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
    return makeResult(operation, { data: answer.data ?? undefined, extensions: answer.extensions }, { status: answer.status });
  }
  const secrets = [...sessionSecrets, ...variableSecrets(operation.variables)];
  const errors = answer.errors.map((error) => ({
    ...error,
    message: redact(String(error.message), secrets),
    ...(error.extensions ? { extensions: redactValue(error.extensions, secrets) as Record<string, unknown> } : {}),
  }));
  return makeResult(operation, { data: answer.data ?? undefined, errors, extensions: answer.extensions }, { status: answer.status });
}

function variableSecrets(variables: unknown, found: string[] = [], depth = 0): string[] {
  if (typeof variables !== 'object' || variables === null || depth > 4) return found;
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && secretVariableName.test(name)) found.push(value);
    else variableSecrets(value, found, depth + 1);
  }
  return found;
}
