export { fileStorage } from './file-storage';
export { nodeHttpFetch } from './node-http-fetch';
export type { NodeHttpFetch, NodeHttpFetchOptions } from './node-http-fetch';
