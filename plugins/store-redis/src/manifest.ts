import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { redisStore, type RedisStoreOptions } from './RedisStore.js';

/**
 * The plugin manifest of this package: config files and workers name the store by package
 * (factory `redisStore`); the loader checks the core range it supports.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/store-redis", "options": { "host": "login1", "port": 6379, "ttlSeconds": 86400 } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { redisStore: (options) => redisStore(options as RedisStoreOptions) },
  defaultFactory: 'redisStore',
  description: 'Proxy store in a Redis server (SET/GET/DEL), synchronous through a helper thread.',
});
