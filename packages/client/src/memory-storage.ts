import type { SessionStorage } from './session-storage';

/**
 * Keeps the session in memory only: gone when the process or page goes. The default, and the
 * safest choice in a browser.
 */
export function memoryStorage(): SessionStorage {
  let value: string | null = null;
  return {
    read: () => value,
    write: (next) => {
      value = next;
    },
    remove: () => {
      value = null;
    },
  };
}
