import { Client, type AnyVariables, type CombinedError, type Exchange, type OperationContext, type OperationResult, type TypedDocumentNode } from '@urql/core';
import { pipe, subscribe, take } from 'wonka';
import { BettermodeError, clientClosedError, InvalidResponseError, TimeoutError } from './bettermode-error';
import { bettermodeExchange, variableSecrets } from './bettermode-exchange';
import { ClientErrorCode } from './error-codes';
import { errorFromAnswer, errorFromFailure } from './graphql-answer';
import { createOperationExecutor, type ResultInfo, type RetryOptions } from './operation-executor';
import { packageName } from './package-name';
import { PendingWork } from './pending-work';
import type { SessionClock } from './session-clock';
import type { SessionMachine } from './session-machine';
import type { Transport } from './transport/transport';

/** Runs typed operations; shared by member clients and app clients. */
export interface BettermodeOperations {
  /** The underlying urql Client, for `<Provider value={bm.urql}>` and raw use. */
  readonly urql: Client;
  /** Runs a query; resolves to its data or throws a {@link BettermodeError}. */
  query<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>, variables: Variables, context?: Partial<OperationContext>): Promise<Data>;
  /**
   * Runs a mutation; resolves to its data or throws a {@link BettermodeError}. With `retry`, pass
   * `{ idempotent: true }` as the context to let it be retried like a query.
   */
  mutate<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>, variables: Variables, context?: Partial<OperationContext>): Promise<Data>;
}

/** The core a client factory builds on. */
export interface ClientCore extends BettermodeOperations {
  /** Gives `work` the client's deadline and settles it at `close()`. */
  track<T>(work: Promise<T>): Promise<T>;
  close(): void;
}

export interface ClientCoreOptions {
  machine: SessionMachine;
  transport: Transport;
  clock: SessionClock;
  endpoint: string;
  requestTimeoutMs: number;
  exchanges?: Exchange[] | undefined;
  retry?: RetryOptions | undefined;
  onResult?: ((info: ResultInfo) => void) | undefined;
  /** Closes what the core does not own (the transport, when not shared). */
  onClose?: () => void;
}

/** How many request timeouts any promise of the client may take at most (queued transitions, a lease, a retry). */
export const deadlineInTimeouts = 6;

/**
 * The urql client on the session's exchange, and `query`/`mutate` with every promise tracked for
 * its deadline and for `close()`.
 *
 * Without exchanges of the caller's, `query` and `mutate` call the operation executor directly:
 * urql's stream machinery (keys, dedup, teardown streams) serves caches and UI hooks, and costs a
 * promise API with no cache most of its time per request. With exchanges, they go through urql so
 * the exchanges apply. Either way the same executor sends them.
 */
export function createClientCore({ machine, transport, clock, endpoint, requestTimeoutMs, exchanges, retry, onResult, onClose }: ClientCoreOptions): ClientCore {
  const executor = createOperationExecutor({ machine, transport, clock, timeoutMs: requestTimeoutMs, retry, onResult });
  const urql = new Client({ url: endpoint, requestPolicy: 'network-only', exchanges: [...(exchanges ?? []), bettermodeExchange(machine, executor)] });
  // With retries, a promise may also wait out rate limits: the backstop grows with the attempts.
  const deadlineMs = requestTimeoutMs * deadlineInTimeouts + (retry ? (retry.attempts ?? 3) * (retry.maxDelayMs ?? 30_000) : 0);
  const pending = new PendingWork(deadlineMs, () => new TimeoutError(`${packageName}: no answer within ${deadlineMs} ms`, { code: ClientErrorCode.Timeout }));
  const direct = !exchanges || exchanges.length === 0;

  function viaUrql<Data, Variables extends AnyVariables>(
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context: Partial<OperationContext> | undefined,
  ): Promise<Data> {
    let stop: (() => void) | undefined;
    const result = new Promise<OperationResult<Data, Variables>>((resolve) => {
      const source = kind === 'query' ? urql.query(document, variables, context) : urql.mutation(document, variables, context);
      stop = pipe(source, take(1), subscribe(resolve)).unsubscribe;
    });
    return pending.add(result, stop).then((answer) => {
      if (answer.error) throw clientError(answer.error, machine.secrets());
      return dataOf(answer.data);
    });
  }

  function run<Data, Variables extends AnyVariables>(
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    context: Partial<OperationContext> | undefined,
  ): Promise<Data> {
    if (machine.closed) return Promise.reject(clientClosedError());
    if (!direct || context?.fetchOptions) return viaUrql(kind, document, variables, context);
    // No cancel ticket here: the transport's own timeout fails a request long before the deadline,
    // and close() cancels every request in flight. (A ticket would keep each finished request's
    // socket objects reachable a while longer: measurably more garbage collection per request.)
    const outcome = executor.execute({ kind, document, variables: variables as object | undefined, url: context?.url ?? endpoint, idempotent: context?.idempotent === true });
    return pending.add(outcome).then((settled) => {
      if (settled === null) throw clientClosedError();
      if (settled.failure) throw settled.failure;
      const { answer } = settled;
      if (answer.errors?.length) throw errorFromAnswer(answer, [...machine.secrets(), ...variableSecrets(variables)]);
      return dataOf(answer.data) as Data;
    });
  }

  return {
    urql,
    query: (document, variables, context) => run('query', document, variables, context),
    mutate: (document, variables, context) => run('mutation', document, variables, context),
    track: (work) => (machine.closed ? Promise.reject(clientClosedError()) : pending.add(work)),
    close() {
      if (machine.closed) return;
      machine.close();
      pending.close(clientClosedError());
      executor.dispose();
      onClose?.();
    },
  };
}

function dataOf<Data>(data: Data | null | undefined): Data {
  if (data === undefined || data === null) throw new InvalidResponseError('Bettermode answered without data', { code: ClientErrorCode.InvalidResponse });
  return data;
}

/** The typed error for a failed urql result. */
function clientError(error: CombinedError, secrets: readonly string[]): BettermodeError {
  if (error.networkError instanceof BettermodeError) return error.networkError;
  if (error.graphQLErrors.length > 0) {
    const response = error.response as { status?: number; retryAfter?: string | null } | undefined;
    const errors = error.graphQLErrors.map(({ message, path, extensions }) => ({ message, ...(path ? { path } : {}), ...(extensions ? { extensions } : {}) }));
    return errorFromAnswer({ status: response?.status ?? 200, data: undefined, errors, extensions: undefined, retryAfter: response?.retryAfter ?? null }, secrets);
  }
  return errorFromFailure(error.networkError);
}
