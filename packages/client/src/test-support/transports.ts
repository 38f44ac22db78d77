/**
 * The two transports every fault, timeout, secret and abort test runs on: the Node default
 * (`node:http`, no `fetch` option) and fetch (the browser default, or any passed `fetch`).
 */
export const transports: [string, typeof fetch | undefined][] = [
  ['node:http, the default on Node', undefined],
  ['fetch', (input, init) => globalThis.fetch(input, init)],
];
