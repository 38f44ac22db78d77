export { redisStorage } from './redis-storage';
export type { RedisSessionStorage, RedisStorageOptions } from './redis-storage';
