import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core/wire';
import { msgpackSerializer } from './msgpackSerializer.js';

/**
 * The plugin manifest of this package, which `loadPlugin` / `instantiatePlugin` (and config files
 * naming `@parsl-ts/serializer-msgpack`) use. Its one factory, `msgpackSerializer`, is the default.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { instantiatePlugin, registerPlugin, type Serializer } from '@parsl-ts/core';
 * import { plugin } from '@parsl-ts/serializer-msgpack';
 *
 * registerPlugin(plugin);
 * const serializer = await instantiatePlugin<Serializer>({ package: '@parsl-ts/serializer-msgpack' }, 'serializer');
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { msgpackSerializer: (options) => msgpackSerializer(options) },
  defaultFactory: 'msgpackSerializer',
  description: 'MessagePack serializer (msgpackr): compact and fast; round-trips Errors, Files, undefined, Date, Map, Set, BigInt, typed arrays and Buffers',
});
