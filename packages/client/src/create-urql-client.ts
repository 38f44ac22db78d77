import { Client, type Exchange, type RequestPolicy } from '@urql/core';
import { bettermodeExchange } from './operations/bettermode-exchange';
import { clientInternals, type BettermodeOperations, type ClientInternals } from './operations/client-core';
import { packageName } from './errors/package-name';

/** Options of {@link createUrqlClient}. */
export interface UrqlClientOptions {
  /** Exchanges of your own (e.g. a cache), placed before the one that sends with the session's token. */
  exchanges?: Exchange[] | undefined;
  /** urql's default request policy. @defaultValue 'cache-first' (urql's own) */
  requestPolicy?: RequestPolicy | undefined;
}

/**
 * An urql Client whose operations run on a bettermode-kit client's session: the same token,
 * refresh, auth retry, opt-in retries and transport as `bm.query`, with urql's results (errors
 * redacted, never thrown). Identical operations each settle exactly once, and a torn-down query is
 * cancelled on the wire. Subscriptions are answered with an error.
 *
 * @param client - a client from `createBettermodeClient`, `createBettermodeAppClient`, or an app
 *   client's `asMember(…)`; closing it ends this urql Client's operations too.
 *
 * @example
 * ```tsx
 * import { createBettermodeClient } from '@bettermode-kit/client';
 * import { createUrqlClient } from '@bettermode-kit/client/urql';
 * import { Provider } from 'urql';
 *
 * const bm = createBettermodeClient({ networkDomain: 'community.bettermode.io' });
 * const urqlClient = createUrqlClient(bm);
 * root.render(<Provider value={urqlClient}><App /></Provider>);
 * ```
 */
export function createUrqlClient(client: BettermodeOperations, options: UrqlClientOptions = {}): Client {
  const internals = (client as { [clientInternals]?: ClientInternals } | null | undefined)?.[clientInternals];
  if (!internals)
    throw new TypeError(
      `${packageName}: createUrqlClient() needs a client made by createBettermodeClient() or createBettermodeAppClient()`,
    );
  if (options.exchanges !== undefined && !Array.isArray(options.exchanges))
    throw new TypeError(`${packageName}: exchanges must be an array of urql exchanges`);
  return new Client({
    url: internals.endpoint,
    ...(options.requestPolicy ? { requestPolicy: options.requestPolicy } : {}),
    exchanges: [...(options.exchanges ?? []), bettermodeExchange(internals.machine, internals.executor)],
  });
}
