/**
 * @parsl-ts/store-redis: a proxy store in a Redis server, for `@parsl-ts/serializer-proxy`.
 *
 * @packageDocumentation
 */
export { redisStore, RedisStoreErrorCodes, type RedisStoreOptions } from './RedisStore.js';
export { startLocalRedis, NO_REDIS_SERVER, type LocalRedis } from './startLocalRedis.js';
export { plugin } from './manifest.js';
