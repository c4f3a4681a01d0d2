import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { proxySerializerFromDescriptors } from './fromDescriptor.js';

/**
 * The plugin manifest of this package. Its factory `proxySerializer` takes plain data — the
 * inner serializer and the store as plugin entries — so config files and workers can build it.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/serializer-proxy", "options": { "threshold": 1048576,
 *   "inner": { "package": "@parsl-ts/serializer-msgpack" },
 *   "store": { "package": "@parsl-ts/store-fs", "options": { "dir": "/shared/proxystore" } } } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { proxySerializer: (options) => proxySerializerFromDescriptors(options) },
  defaultFactory: 'proxySerializer',
  description: 'Large values go to a store (shared folder, Redis); only references travel; workers fetch them on first use.',
});
