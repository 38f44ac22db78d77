/**
 * One process of an app on `createSessionCookies` with `redisCoordination`, serving the test app
 * on a port of its own; run with `node --import tsx`. Prints `ready <url>`, stops on SIGTERM.
 */
import { redisCoordination } from '@bettermode-kit/redis-storage';
import { createSessionCookies } from '../index';
import { serveFetch } from './serve-fetch';
import { ssrTestApp } from './ssr-test-app';

const { ENDPOINT, NETWORK_DOMAIN, REDIS_URL, KEY_PREFIX } = process.env;
const sessions = createSessionCookies({
  endpoint: ENDPOINT,
  networkDomain: NETWORK_DOMAIN,
  coordination: redisCoordination({ url: REDIS_URL, keyPrefix: KEY_PREFIX }),
});
const server = await serveFetch(ssrTestApp(sessions));
process.stdout.write(`ready ${server.url}\n`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => sessions.close())
    .then(() => process.exit(0));
});
