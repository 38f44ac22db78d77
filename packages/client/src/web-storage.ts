import type { SessionStorage } from './session-storage';

/** The part of the Web Storage API the client needs (`localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps the session in a Web Storage area, e.g. `webStorage(localStorage)`.
 *
 * @remarks Anything that runs script on the page can read it: a cross-site scripting hole
 * exposes the tokens. Prefer the default memory storage unless the session must survive reloads.
 *
 * @param storage - `localStorage` or `sessionStorage`
 * @param key - the item name @defaultValue 'bettermode-kit:session'
 */
export function webStorage(storage: WebStorageLike, key = 'bettermode-kit:session'): SessionStorage {
  if (!storage || typeof storage.getItem !== 'function') {
    throw new TypeError('@bettermode-kit/client: webStorage() needs a Web Storage object such as localStorage');
  }
  return {
    read: () => storage.getItem(key),
    write: (value) => storage.setItem(key, value),
    remove: () => storage.removeItem(key),
  };
}
