import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the tests share (see redis-global-setup.ts). */
    redisUrl: string;
  }
}

/** The URL of the Redis the tests share. */
export function redisUrl(): string {
  return inject('redisUrl');
}
