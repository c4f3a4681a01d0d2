import { ConfigError, type PluginDescriptor, type ProxyStore, type Serializer } from '@parsl-ts/core';
import { instantiateDescriptor } from '@parsl-ts/core/worker';
import { proxySerializer } from './proxySerializer.js';

/**
 * Build a proxy serializer from plain data, as a config file or a worker does: the inner
 * serializer and the store are plugin entries (package, export, options), imported from
 * `baseDir` (default: the working directory), or instances already made from them.
 *
 * @param options - `{ inner: PluginDescriptor, store: PluginDescriptor, threshold?, baseDir? }`
 * @since 0.1.0
 * @example
 * ```ts
 * const serializer = await proxySerializerFromDescriptors({
 *   inner: { package: '@parsl-ts/serializer-msgpack' },
 *   store: { package: '@parsl-ts/store-fs', options: { dir: '/shared/proxystore' } },
 * });
 * ```
 */
export async function proxySerializerFromDescriptors(options: Record<string, unknown>): Promise<Serializer> {
  const baseDir = typeof options.baseDir === 'string' ? options.baseDir : process.cwd();
  // A config file's loader hands over instances (it builds nested plugin entries first); a
  // worker's loader hands over the entries themselves.
  const part = async <T>(name: 'inner' | 'store', isInstance: (v: Record<string, unknown>) => boolean): Promise<T> => {
    const value = options[name] as Record<string, unknown> | undefined;
    if (typeof value === 'object' && value !== null && isInstance(value)) return value as T;
    if (typeof value !== 'object' || value === null || typeof value.package !== 'string') {
      throw new ConfigError('must be a plugin entry { "package": "...", "options": { ... } }', {
        path: `serializer.options.${name}`,
        hint: name === 'inner' ? 'e.g. { "package": "@parsl-ts/serializer-msgpack" }' : 'e.g. { "package": "@parsl-ts/store-fs", "options": { "dir": "/shared/proxystore" } }',
      });
    }
    return instantiateDescriptor<T>(value as unknown as PluginDescriptor, baseDir);
  };
  const [inner, store] = await Promise.all([
    part<Serializer>('inner', (v) => typeof v.serialize === 'function'),
    part<ProxyStore>('store', (v) => typeof v.put === 'function' && typeof v.get === 'function'),
  ]);
  return proxySerializer({ inner, store, baseDir, ...(options.threshold !== undefined ? { threshold: options.threshold as number } : {}) });
}
