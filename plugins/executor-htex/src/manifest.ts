import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { HighThroughputExecutor, type HighThroughputExecutorOptions } from './HighThroughputExecutor.js';

/**
 * The plugin manifest. A config file names the provider inside the executor's options by
 * package, which the factory cannot resolve itself; build HTEX configs in TypeScript for now.
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
