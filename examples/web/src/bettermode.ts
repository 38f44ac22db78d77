import { createBettermodeClient, webStorage, type Session } from '@bettermode-kit/client';
import { createUrqlClient } from '@bettermode-kit/client/urql';
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
/** undefined until the stored session has been read. */
let current: Session | null | undefined;
const publish = (session: Session | null) => {
  current = session;
  for (const listener of listeners) listener();
};

/**
 * The app's one Bettermode client. Its session lives in localStorage, so it survives reloads and
 * every tab of this origin shares it: one refresh for all tabs, and a logout in one makes every
 * tab a guest. (Anything that runs script on the page can read localStorage: keep the page free
 * of cross-site scripting, as the Content-Security-Policy of the build helps to.)
 */
export const bm = createBettermodeClient({
  endpoint: import.meta.env.VITE_BETTERMODE_ENDPOINT || undefined,
  networkDomain: import.meta.env.VITE_BETTERMODE_NETWORK_DOMAIN || 'community.bettermode.io',
  storage: webStorage(localStorage),
  onSessionChange: publish,
});

/** The urql Client for `<Provider>` and `useQuery`: its operations run on `bm`'s session. */
export const urqlClient = createUrqlClient(bm);

void bm.getSession().then(publish);

/** The session (never its tokens), kept current by every change, this tab's or another's. */
export function useSession(): Session | null | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
