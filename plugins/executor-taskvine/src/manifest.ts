import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { TaskVineExecutor } from './TaskVineExecutor.js';
import type { TaskVineExecutorOptions } from './TaskVineExecutorOptions.js';

/**
 * The plugin manifest: lets config files name this executor by package. Its `provider` option is
 * itself a plugin entry (`{ "package": "@parsl-ts/provider-local", "options": {...} }`), which core
 * instantiates first.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { plugin } from '@parsl-ts/executor-taskvine';
 * console.log(plugin.kind, plugin.maturity); // executor experimental
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { TaskVineExecutor: (options) => new TaskVineExecutor(options as unknown as TaskVineExecutorOptions) },
  defaultFactory: 'TaskVineExecutor',
});
