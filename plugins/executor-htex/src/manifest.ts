import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { HighThroughputExecutor, type HighThroughputExecutorOptions } from './HighThroughputExecutor.js';

/**
 * The plugin manifest: lets config files name this executor by package. Its `provider` option is
 * itself a plugin entry (`{ "package": "@parsl-ts/provider-local", "options": {...} }`), which core
 * instantiates first (core 0.1.1 and later).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { plugin } from '@parsl-ts/executor-htex';
 * console.log(plugin.kind, plugin.maturity); // executor experimental
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { HighThroughputExecutor: (options) => new HighThroughputExecutor(options as unknown as HighThroughputExecutorOptions) },
  defaultFactory: 'HighThroughputExecutor',
});
