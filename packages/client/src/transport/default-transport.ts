import { fetchTransport } from './fetch-transport';
import type { Transport } from './transport';

/** The transport used when no `fetch` is passed: fetch here; `node:http` in the package's Node build. */
export function defaultTransport(): Transport {
  return fetchTransport();
}
