import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server';
import './redis-url';

/**
 * A vitest global setup: the Redis a package's tests share is BETTERMODE_KIT_REDIS_URL when set
 * (`.ci/run` starts one), else a redis-server of this run's own. Tests that stop Redis start
 * their own as well.
 */
export default async function setup(project: TestProject) {
  const given = process.env.BETTERMODE_KIT_REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return;
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
