import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { OperationDefinitionNode } from 'graphql';
import { PaginationError, RateLimitedError } from '../errors/bettermode-error';
import { ClientErrorCode } from '../errors/error-codes';
import type { AnyVariables, OperationOptions } from './client-core';

/**
 * What `paginate` runs its queries on: a `BettermodeClient` (or app client) is one; an urql
 * Client becomes one with `paginationSource(urql)` from `@bettermode-kit/client/urql`.
 */
export interface PaginationSource {
  query<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    options?: Pick<OperationOptions, 'onExtensions'>,
  ): Promise<Data>;
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /**
   * Where the connection is in the answer (`'posts'`, `'space.posts'` or `['space', 'posts']`);
   * without it, the one object in the answer with `pageInfo` and `nodes` or `edges`.
   */
  path?: string | readonly string[] | undefined;
  /** Stop after this many pages. */
  maxPages?: number | undefined;
  /** Stop after this many nodes (the last page is cut). */
  maxItems?: number | undefined;
  /** Stops the walk: no request is sent once it is aborted, and a pause for the budget ends. */
  signal?: AbortSignal | undefined;
  /** Resume after this cursor (a previous walk's {@link Paginator.cursor}). */
  after?: string | null | undefined;
  /** The variable the next page's cursor goes in. @defaultValue 'after' */
  cursorVariable?: string | undefined;
  /**
   * Your plan's complexity budget: the walk spends at most `complexity` points per
   * `windowSeconds` (counting what each answer's `extensions.complexity` says a page cost), and
   * pauses instead of being refused.
   */
  budget?: { complexity: number; windowSeconds?: number | undefined } | undefined;
  /** How many times one page is asked again after a rate-limit answer, waiting as it says. @defaultValue 5 */
  rateLimitRetries?: number | undefined;
}

/** One page of a walk. */
export interface Page<Node, Data = unknown> {
  nodes: Node[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
  /** What the answer said the page cost (`extensions.complexity`), when it said. */
  complexity: number | null;
  /** The whole answer. */
  data: Data;
}

/** A walk over a connection: iterate it for nodes, `pages()` for pages, `collect()` for all. */
export interface Paginator<Node, Data = unknown> extends AsyncIterable<Node> {
  pages(): AsyncIterableIterator<Page<Node, Data>>;
  /** Every node, in order, as one array. */
  collect(): Promise<Node[]>;
  /** The last page's end cursor: pass it as `after` to resume a walk that stopped. */
  readonly cursor: string | null;
}

type NodeOfConnection<Connection> = Connection extends { nodes?: ReadonlyArray<infer Node> | null }
  ? Node
  : Connection extends { edges?: ReadonlyArray<{ node: infer Node }> | null }
    ? Node
    : never;
type TopLevelNode<Data> = { [Key in keyof Data]-?: NodeOfConnection<NonNullable<Data[Key]>> }[keyof Data];

/**
 * The node type of the connection in `Data`: at the top (`posts`), or one level down
 * (`space.posts`). `unknown` when neither holds one.
 */
export type ConnectionNode<Data> = [TopLevelNode<Data>] extends [never]
  ? [{ [Key in keyof Data]-?: TopLevelNode<NonNullable<Data[Key]>> }[keyof Data]] extends [never]
    ? unknown
    : { [Key in keyof Data]-?: TopLevelNode<NonNullable<Data[Key]>> }[keyof Data]
  : TopLevelNode<Data>;

interface FoundConnection {
  nodes: unknown[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Walks a Bettermode connection (`limit`/`after` in, `pageInfo { endCursor hasNextPage }` and
 * `nodes` or `edges { node }` out) one request per page, in order.
 *
 * - It refuses to loop: a cursor the server gave before ends the walk with a
 *   {@link PaginationError} (`PAGINATION_CURSOR_REPEATED`) before any further request.
 * - It keeps to the rate limits: a rate-limit answer is waited out and the page asked again
 *   (`rateLimitRetries`); with `budget`, it paces itself on each answer's
 *   `extensions.complexity` so that the API never has to refuse.
 * - `signal`, `maxPages` and `maxItems` stop it; `after` resumes it.
 *
 * @example
 * ```ts
 * for await (const post of paginate(bm, SpacePostsDocument, { spaceId, limit: 100 })) {
 *   console.log(post.title);
 * }
 * const members = await paginate(bm, MembersDocument, { limit: 50 }).collect();
 * ```
 */
export function paginate<Data, Variables extends AnyVariables>(
  source: PaginationSource,
  document: TypedDocumentNode<Data, Variables>,
  // From the document only: a wrong or missing variable is a type error, not a wider inference.
  variables: NoInfer<Variables>,
  options: PaginateOptions = {},
): Paginator<ConnectionNode<Data>, Data> {
  const cursorVariable = options.cursorVariable ?? 'after';
  const path = typeof options.path === 'string' ? options.path.split('.') : options.path;
  let cursor: string | null = options.after ?? null;

  async function* pages(): AsyncIterableIterator<Page<ConnectionNode<Data>, Data>> {
    if (!declaresVariable(document, cursorVariable))
      throw new PaginationError(
        `The operation declares no $${cursorVariable} variable for the next page's cursor; add one or set cursorVariable`,
        { code: ClientErrorCode.PaginationNoCursorVariable },
      );
    const pacer = options.budget
      ? new BudgetPacer(options.budget.complexity, options.budget.windowSeconds ?? 10)
      : null;
    const sent = new Set<string>();
    let after = cursor ?? (variables as Record<string, unknown> | undefined)?.[cursorVariable] ?? null;
    let pagesLeft = options.maxPages ?? Number.POSITIVE_INFINITY;
    let itemsLeft = options.maxItems ?? Number.POSITIVE_INFINITY;
    while (pagesLeft > 0 && itemsLeft > 0) {
      options.signal?.throwIfAborted();
      await pacer?.ready(options.signal);
      let complexity: number | null = null;
      const pageVariables = { ...(variables as object), [cursorVariable]: after } as Variables;
      const data = await withRateLimitRetries(
        () =>
          source.query(document, pageVariables, {
            onExtensions: (extensions) => {
              complexity = typeof extensions.complexity === 'number' ? extensions.complexity : null;
            },
          }),
        options.rateLimitRetries ?? 5,
        options.signal,
      );
      pacer?.spent(complexity ?? 0);
      const connection = findConnection(data, path);
      const nodes = connection.nodes.slice(0, Math.min(connection.nodes.length, itemsLeft)) as ConnectionNode<Data>[];
      pagesLeft -= 1;
      itemsLeft -= nodes.length;
      if (connection.endCursor !== null) cursor = connection.endCursor;
      yield {
        nodes,
        totalCount: connection.totalCount,
        endCursor: connection.endCursor,
        hasNextPage: connection.hasNextPage,
        complexity,
        data,
      };
      if (!connection.hasNextPage) return;
      const next = connection.endCursor;
      if (next === null || next === after || sent.has(next))
        throw new PaginationError(
          next === null
            ? 'The server said there is a next page but gave no cursor for it'
            : 'The server answered a cursor it had answered before: the walk would never end',
          { code: ClientErrorCode.PaginationCursorRepeated },
        );
      if (typeof after === 'string') sent.add(after);
      after = next;
    }
  }

  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.nodes;
    },
    async collect() {
      const all: ConnectionNode<Data>[] = [];
      for await (const page of pages()) all.push(...page.nodes);
      return all;
    },
    get cursor() {
      return cursor;
    },
  };
}

function declaresVariable(document: TypedDocumentNode<unknown, never>, name: string): boolean {
  return document.definitions.some(
    (definition) =>
      (definition.kind as string) === 'OperationDefinition' &&
      ((definition as OperationDefinitionNode).variableDefinitions ?? []).some(
        (variable) => variable.variable.name.value === name,
      ),
  );
}

function isConnection(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'pageInfo' in value &&
    (Array.isArray((value as { nodes?: unknown }).nodes) || Array.isArray((value as { edges?: unknown }).edges))
  );
}

function findConnection(data: unknown, path: readonly string[] | undefined): FoundConnection {
  let connection: unknown;
  if (path) {
    connection = path.reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      data,
    );
    if (!isConnection(connection))
      throw new PaginationError(`No connection at ${path.join('.')} in the answer`, {
        code: ClientErrorCode.PaginationNoConnection,
      });
  } else {
    const found: string[][] = [];
    const visit = (value: unknown, at: string[]) => {
      if (typeof value !== 'object' || value === null || at.length > 8) return;
      if (isConnection(value)) {
        found.push(at);
        return;
      }
      for (const [key, child] of Object.entries(value)) visit(child, [...at, key]);
    };
    visit(data, []);
    if (found.length !== 1)
      throw new PaginationError(
        found.length === 0
          ? 'No connection (pageInfo with nodes or edges) in the answer'
          : `Several connections in the answer (${found.map((at) => at.join('.')).join(', ')}): say which with path`,
        { code: ClientErrorCode.PaginationNoConnection },
      );
    return findConnection(data, found[0]);
  }
  const { nodes, edges, totalCount, pageInfo } = connection as {
    nodes?: unknown[];
    edges?: { node: unknown }[];
    totalCount?: unknown;
    pageInfo?: { endCursor?: unknown; hasNextPage?: unknown } | null;
  };
  return {
    nodes: nodes ?? (edges ?? []).map((edge) => edge.node),
    totalCount: typeof totalCount === 'number' ? totalCount : null,
    endCursor: typeof pageInfo?.endCursor === 'string' ? pageInfo.endCursor : null,
    hasNextPage: pageInfo?.hasNextPage === true,
  };
}

/** Runs `ask`, waiting out rate-limit answers (as long as they say) up to `retries` times. */
async function withRateLimitRetries<T>(ask: () => Promise<T>, retries: number, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof RateLimitedError) || attempt >= retries) throw error;
      await pause(Math.min(error.retryAfterMs ?? 1000, 60_000), signal);
      signal?.throwIfAborted();
    }
  }
}

/** Spends a complexity budget over a sliding window: waits before a page that would overspend it. */
class BudgetPacer {
  readonly #spent: { at: number; cost: number }[] = [];
  #lastCost = 0;

  constructor(
    private readonly budget: number,
    windowSeconds: number,
    private readonly windowMs = windowSeconds * 1000,
  ) {}

  /** Resolves when the next page (costing what the last one did) fits in the window. */
  async ready(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.#spent.length > 0 && this.#spent[0]!.at + this.windowMs <= now) this.#spent.shift();
      const inWindow = this.#spent.reduce((sum, entry) => sum + entry.cost, 0);
      if (this.#spent.length === 0 || inWindow + this.#lastCost <= this.budget) return;
      // Wait for the oldest spend to leave the window (and a little, for the server's clock).
      await pause(this.#spent[0]!.at + this.windowMs - now + 50, signal);
      signal?.throwIfAborted();
    }
  }

  spent(cost: number): void {
    this.#lastCost = cost;
    this.#spent.push({ at: Date.now(), cost });
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
