import type { Client } from '@urql/core';
import { RateLimitedError } from '../errors/bettermode-error';
import { ApiErrorCode } from '../errors/error-codes';
import type { PaginationSource } from './paginate';

/**
 * An urql Client as a source for `paginate`: each page is a `network-only` query (a walk wants
 * the server's pages, not a cache's), its error thrown, its `extensions` passed on for pacing.
 *
 * @example
 * ```ts
 * const urql = createUrqlClient(bm);
 * const posts = await paginate(paginationSource(urql), SpacePostsDocument, { spaceId, limit: 100 }).collect();
 * ```
 */
export function paginationSource(client: Client): PaginationSource {
  return {
    async query(document, variables, options) {
      const result = await client.query(document, variables as never, { requestPolicy: 'network-only' }).toPromise();
      if (result.extensions && options?.onExtensions) options.onExtensions(result.extensions);
      if (result.error) {
        // The client's typed error (RateLimitedError, …) when there is one, so the walk waits it out.
        if (result.error.networkError) throw result.error.networkError;
        const limited = result.error.graphQLErrors.find(
          (error) => String(error.extensions?.code) === ApiErrorCode.RequestLimit,
        );
        if (limited) {
          const retryAfterMs = Number(limited.extensions?.retryAfterMs);
          throw new RateLimitedError(limited.message, {
            code: ApiErrorCode.RequestLimit,
            retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
          });
        }
        throw result.error;
      }
      return result.data as never;
    },
  };
}
