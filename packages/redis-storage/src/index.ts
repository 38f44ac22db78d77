export { redisStorage } from './redis-storage';
export { redisTokenStorage } from './redis-token-storage';
export { redisDedupeStore } from './redis-dedupe-store';
export type { RedisSessionStorage, RedisStorageOptions } from './redis-storage';
export type { RedisTokenStorage, RedisTokenStorageOptions } from './redis-token-storage';
export type { RedisClaimResult, RedisDedupeStore, RedisDedupeStoreOptions } from './redis-dedupe-store';
export { redisCoordination } from './redis-coordination';
export type { RedisCoordination, RedisCoordinationLease, RedisCoordinationOptions } from './redis-coordination';
