import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';

/**
 * The plugin manifest: lets config files name this executor by package, and lets the loader check
 * the core range it supports. Name, version, kind, maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "executors": [{ "package": "@parsl-ts/executor-threads", "options": { "label": "local", "maxThreads": 2 } }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'A worker_threads pool on this machine; runs JS apps and bash apps.',
  factories: { ThreadPoolExecutor: (options) => new ThreadPoolExecutor(options as ThreadPoolExecutorOptions) },
  defaultFactory: 'ThreadPoolExecutor',
});
