import { Kind, parse, type DocumentNode } from '@0no-co/graphql.web';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { BettermodeGraphQLError } from '../errors/bettermode-error';
import { BettermodeError, clientClosedError, InvalidResponseError, TimeoutError } from '../errors/bettermode-error';
import { variableSecrets } from './variable-secrets';
import { ClientErrorCode } from '../errors/error-codes';
import { headersOf } from './fetch-options-headers';
import { errorFromAnswer } from '../http/graphql-answer';
import {
  createOperationExecutor,
  type OperationExecutor,
  type ResultInfo,
  type RetryOptions,
} from './operation-executor';
import { packageName } from '../errors/package-name';
import type { OperationKind } from './operation-kind';
import { PendingWork } from './pending-work';
import type { SessionClock } from '../session/session-clock';
import type { SessionMachine } from '../session/session-machine';
import type { Transport } from '../transport/transport';

/** Variables of an operation (as urql types them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- urql's own definition: any operation's variables must fit.
export type AnyVariables = { [name: string]: any } | void | undefined;

/** Options of one `query` or `mutate` call. */
export interface OperationOptions {
  /** Send this operation to another endpoint than the client's. */
  url?: string | undefined;
  /** Extra request headers, in urql's `fetchOptions` form; the client's own headers win. */
  fetchOptions?: RequestInit | (() => RequestInit) | undefined;
  /** A mutation that is safe to send twice: with `retry`, it is retried like a query. */
  idempotent?: boolean | undefined;
  /**
   * Called with the answer's `extensions` before the result resolves (Bettermode reports each
   * operation's cost there as `complexity`); not called when the operation fails before an answer.
   */
  onExtensions?: ((extensions: Readonly<Record<string, unknown>>) => void) | undefined;
}

/** A GraphQL answer as the API sent it: data and errors side by side, nothing thrown for errors. */
export interface GraphqlResult {
  data: Record<string, unknown> | null | undefined;
  errors: BettermodeGraphQLError[] | undefined;
  /** Bettermode reports each operation's cost here (`complexity`). */
  extensions: Record<string, unknown> | undefined;
}

/** Runs typed operations; shared by member clients and app clients. */
export interface BettermodeOperations {
  /** Runs a query; resolves to its data or throws a {@link BettermodeError}. */
  query<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    options?: OperationOptions,
  ): Promise<Data>;
  /**
   * Runs a mutation; resolves to its data or throws a {@link BettermodeError}. With `retry`, pass
   * `{ idempotent: true }` to let it be retried like a query.
   */
  mutate<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    options?: OperationOptions,
  ): Promise<Data>;
  /**
   * Runs one operation given as text (or a parsed document) with the session's token, and
   * resolves to the answer as sent, GraphQL errors included (for proxies, command lines and
   * operations without a generated document). Transport failures, timeouts and a refused session
   * still throw typed errors; a query that does not parse throws `GRAPHQL_ERROR` before anything
   * is sent.
   */
  rawRequest(
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    options?: OperationOptions & { operationName?: string | undefined },
  ): Promise<GraphqlResult>;
}

/**
 * What `createUrqlClient` (the `/urql` entry) needs of a client, under a symbol rather than on the
 * public type: the main entry then imports nothing of urql, and apps that never render with urql
 * do not ship it.
 */
export interface ClientInternals {
  machine: SessionMachine;
  executor: OperationExecutor;
  endpoint: string;
}

/** The key of {@link ClientInternals} on every client; `Symbol.for`, so separately bundled entries agree. */
export const clientInternals: unique symbol = Symbol.for('@bettermode-kit/client.internals') as never;

/** The core a client factory builds on. */
export interface ClientCore extends BettermodeOperations {
  readonly [clientInternals]: ClientInternals;
  /** Gives `work` the client's deadline and settles it at `close()`. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Whether nothing of it is pending: it can be dropped without failing anyone's work. */
  idle(): boolean;
  close(): void;
}

export interface ClientCoreOptions {
  machine: SessionMachine;
  transport: Transport;
  clock: SessionClock;
  endpoint: string;
  requestTimeoutMs: number;
  retry?: RetryOptions | undefined;
  onResult?: ((info: ResultInfo) => void) | undefined;
  /** Closes what the core does not own (the transport, when not shared). */
  onClose?: () => void;
}

/** How many request timeouts any promise of the client may take at most (queued transitions, a lease, a retry). */
export const deadlineInTimeouts = 6;

/**
 * `query` and `mutate` on the operation executor, with every promise tracked for its deadline and
 * for `close()`. They call the executor directly: urql's stream machinery (keys, dedup, teardown
 * streams) serves caches and UI hooks, and would cost a promise API most of its time per request.
 * `createUrqlClient` puts the same executor under an urql Client.
 */
export function createClientCore({
  machine,
  transport,
  clock,
  endpoint,
  requestTimeoutMs,
  retry,
  onResult,
  onClose,
}: ClientCoreOptions): ClientCore {
  // With retries, a promise may also wait out rate limits: the backstop grows with the attempts.
  const deadlineMs =
    requestTimeoutMs * deadlineInTimeouts + (retry ? (retry.attempts ?? 3) * (retry.maxDelayMs ?? 30_000) : 0);
  const executor = createOperationExecutor({
    machine,
    transport,
    clock,
    timeoutMs: requestTimeoutMs,
    deadlineMs,
    retry,
    onResult,
  });
  const pending = new PendingWork(
    deadlineMs,
    () => new TimeoutError(`${packageName}: no answer within ${deadlineMs} ms`, { code: ClientErrorCode.Timeout }),
  );

  function run<Data, Variables extends AnyVariables>(
    kind: OperationKind,
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    options: OperationOptions | undefined,
  ): Promise<Data> {
    if (machine.closed) return Promise.reject(clientClosedError());
    // No cancel ticket here: the transport's own timeout fails a request long before the deadline,
    // and close() cancels every request in flight. (A ticket would keep each finished request's
    // socket objects reachable a while longer: measurably more garbage collection per request.)
    const outcome = executor.execute({
      kind,
      document,
      variables: variables as object | undefined,
      url: options?.url ?? endpoint,
      headers: options?.fetchOptions ? headersOf(options.fetchOptions) : undefined,
      idempotent: options?.idempotent === true,
    });
    return pending.add(outcome).then((settled) => {
      if (settled === null) throw clientClosedError();
      if (settled.failure) throw settled.failure;
      const { answer } = settled;
      if (answer.extensions && options?.onExtensions) options.onExtensions(answer.extensions);
      if (answer.errors?.length)
        throw errorFromAnswer(answer, [...machine.secrets(), ...variableSecrets(variables)], answer.data);
      return dataOf(answer.data) as Data;
    });
  }

  async function rawRequest(
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    options?: OperationOptions & { operationName?: string | undefined },
  ): Promise<GraphqlResult> {
    if (machine.closed) throw clientClosedError();
    const { kind, document } = selectOperation(
      typeof query === 'string' ? parseOperation(query) : query,
      options?.operationName,
    );
    const outcome = executor.execute({
      kind,
      document,
      variables,
      url: options?.url ?? endpoint,
      headers: options?.fetchOptions ? headersOf(options.fetchOptions) : undefined,
      idempotent: options?.idempotent === true,
    });
    const settled = await pending.add(outcome);
    if (settled === null) throw clientClosedError();
    if (settled.failure) throw settled.failure;
    const { data, errors, extensions } = settled.answer;
    return { data, errors, extensions };
  }

  return {
    [clientInternals]: { machine, executor, endpoint },
    rawRequest,
    query: (document, variables, options) => run('query', document, variables, options),
    mutate: (document, variables, options) => run('mutation', document, variables, options),
    track: (work) => (machine.closed ? Promise.reject(clientClosedError()) : pending.add(work)),
    idle: () => pending.size === 0,
    close() {
      if (machine.closed) return;
      machine.close();
      // A client per request is closed per request: no error (and its stack) unless work is pending.
      pending.close(clientClosedError);
      executor.dispose();
      onClose?.();
    },
  };
}

function dataOf<Data>(data: Data | null | undefined): Data {
  if (data === undefined || data === null)
    throw new InvalidResponseError('Bettermode answered without data', { code: ClientErrorCode.InvalidResponse });
  return data;
}

function parseOperation(query: string): DocumentNode {
  try {
    return parse(query);
  } catch (error) {
    throw new BettermodeError(
      `${packageName}: the query does not parse (${error instanceof Error ? error.message : 'syntax error'})`,
      { code: ClientErrorCode.GraphQL },
    );
  }
}

/**
 * The operation to run (the named one, or the only one) with the fragments, as a document of its
 * own, so the request names it. Subscriptions are refused.
 */
function selectOperation(
  document: DocumentNode,
  operationName: string | undefined,
): { kind: OperationKind; document: DocumentNode } {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const chosen =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((operation) => operation.name?.value === operationName);
  if (!chosen) {
    throw new BettermodeError(
      `${packageName}: ${operationName === undefined ? 'the document must hold exactly one operation (or name one)' : `no operation named ${operationName}`}`,
      { code: ClientErrorCode.GraphQL },
    );
  }
  if (chosen.operation === 'subscription')
    throw new BettermodeError(`${packageName}: subscriptions are not supported`, { code: ClientErrorCode.GraphQL });
  if (operations.length === 1) return { kind: chosen.operation, document };
  const definitions = document.definitions.filter(
    (definition) => definition === chosen || definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  return { kind: chosen.operation, document: { ...document, definitions } };
}
