import { createBettermodeClient, webStorage } from '@bettermode-kit/client';

/**
 * The app's one Bettermode client. Its session lives in localStorage, so it survives reloads and
 * every tab of this origin shares it: one refresh for all tabs, and a logout in one makes every
 * tab a guest. (Anything that runs script on the page can read localStorage: keep the page free
 * of cross-site scripting, as the Content-Security-Policy of the build helps to.)
 * `<BettermodeProvider client={bm}>` gives the components its session and an urql Client on it.
 */
export const bm = createBettermodeClient({
  endpoint: import.meta.env.VITE_BETTERMODE_ENDPOINT || undefined,
  networkDomain: import.meta.env.VITE_BETTERMODE_NETWORK_DOMAIN || 'community.bettermode.io',
  storage: webStorage(localStorage),
});
