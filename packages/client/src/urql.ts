/**
 * urql for a bettermode-kit client: `createUrqlClient(bm)` gives an urql Client on the client's
 * session, for `<Provider value={…}>`, urql's hooks and exchanges such as a cache.
 *
 * @packageDocumentation
 */
export { createUrqlClient } from './create-urql-client';
export { paginationSource } from './operations/urql-pagination-source';
export type { UrqlClientOptions } from './create-urql-client';
