import { nodeTransport } from './node-transport';
import type { Transport } from './transport';

/** The transport used on Node when no `fetch` is passed (the package's `node` export condition). */
export function defaultTransport(): Transport {
  return nodeTransport();
}
