import { redisCoordination } from '@bettermode-kit/redis-storage';
import { createSessionCookies } from '@bettermode-kit/ssr';
import { createNextSessions } from '@bettermode-kit/ssr/next';

/**
 * The app's member sessions, held by the server: tokens in an httpOnly cookie, never in the
 * browser. BETTERMODE_ENDPOINT and BETTERMODE_NETWORK_DOMAIN point it at a community (the
 * emulator `pnpm start:next` starts, or a real one); with REDIS_URL, processes and machines share
 * refreshes.
 */
export const sessions = createSessionCookies({
  endpoint: process.env.BETTERMODE_ENDPOINT || undefined,
  networkDomain: process.env.BETTERMODE_NETWORK_DOMAIN || 'community.bettermode.io',
  coordination: process.env.REDIS_URL ? redisCoordination({ url: process.env.REDIS_URL }) : undefined,
});

export const { middleware, getBettermodeClient, routeHandlers } = createNextSessions(sessions);
