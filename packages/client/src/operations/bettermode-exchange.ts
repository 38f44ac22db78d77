import { makeErrorResult, makeResult, type Exchange, type Operation, type OperationResult } from '@urql/core';
import { make, pipe, subscribe } from 'wonka';
import { BettermodeError } from '../errors/bettermode-error';
import { ClientErrorCode } from '../errors/error-codes';
import type { GraphqlAnswer } from '../http/graphql-answer';
import { headersOf } from './fetch-options-headers';
import { isOperationKind, type OperationKind } from './operation-kind';
import type { OperationExecutor } from './operation-executor';
import { redact, redactValue } from '../errors/redact';
import { variableSecrets } from './variable-secrets';
import type { SessionMachine } from '../session/session-machine';
import type { CancelTicket } from '../transport/transport';

/**
 * The terminating urql exchange: every query and mutation goes through the client's operation
 * executor (token, refresh, one retry after an auth failure, opt-in retries, transport). It keeps
 * the promises of `@urql/exchange-auth` without its queue keyed by `operation.key` (which drops
 * one of two identical mutations waiting for a refresh): each operation is its own promise, so
 * identical operations each settle exactly once, and a torn-down query is cancelled on the wire
 * and answers nothing.
 */
export function bettermodeExchange(machine: SessionMachine, executor: OperationExecutor): Exchange {
  return () => (operations$) =>
    make<OperationResult>((observer) => {
      const tickets = new Map<number, Set<CancelTicket>>();
      let active = true;

      const execute = async (operation: Operation, kind: OperationKind): Promise<OperationResult | null> => {
        let ticket: CancelTicket | undefined;
        if (kind === 'query') {
          ticket = {};
          let forKey = tickets.get(operation.key);
          if (!forKey) tickets.set(operation.key, (forKey = new Set()));
          forKey.add(ticket);
          // Sent from the next microtask: a query torn down in the same tick it started is never
          // sent. urql's useQuery does that on every mount with a cache-first policy (it looks
          // for a cached result, synchronously, then subscribes again from an effect).
          await undefined;
          if (ticket.cancelled) return null;
        }
        try {
          const outcome = await executor.execute({
            kind,
            document: operation.query,
            variables: operation.variables as object | undefined,
            extensions: operation.extensions,
            url: operation.context.url,
            headers: operation.context.fetchOptions ? headersOf(operation.context.fetchOptions) : undefined,
            idempotent: operation.context.idempotent === true,
            ticket,
          });
          if (outcome === null) return null;
          if (outcome.failure) return makeErrorResult(operation, outcome.failure);
          return toResult(operation, outcome.answer, machine.secrets());
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
          const { kind } = operation;
          if (!isOperationKind(kind)) {
            observer.next(
              makeErrorResult(
                operation,
                new BettermodeError('Subscriptions are not supported by @bettermode-kit/client', {
                  code: ClientErrorCode.GraphQL,
                }),
              ),
            );
            return;
          }
          execute(operation, kind).then((result) => {
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

/** The urql result of a GraphQL answer; error messages and extensions redacted. */
function toResult(operation: Operation, answer: GraphqlAnswer, sessionSecrets: string[]): OperationResult {
  if (answer.errors === undefined || answer.errors.length === 0) {
    return makeResult(
      operation,
      { data: answer.data ?? undefined, extensions: answer.extensions },
      { status: answer.status, retryAfter: answer.retryAfter },
    );
  }
  const secrets = [...sessionSecrets, ...variableSecrets(operation.variables)];
  const errors = answer.errors.map((error) => ({
    ...error,
    message: redact(String(error.message), secrets),
    ...(error.extensions ? { extensions: redactValue(error.extensions, secrets) as Record<string, unknown> } : {}),
  }));
  return makeResult(
    operation,
    { data: answer.data ?? undefined, errors, extensions: answer.extensions },
    { status: answer.status, retryAfter: answer.retryAfter },
  );
}
