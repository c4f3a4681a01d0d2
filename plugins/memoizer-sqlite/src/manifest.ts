import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { SqliteMemoizer, type SqliteMemoizerOptions } from './SqliteMemoizer.js';

/**
 * The plugin manifest: config files name this memoizer by package (factory `SqliteMemoizer`).
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "memoizer": { "package": "@parsl-ts/memoizer-sqlite", "options": { "path": "memo.sqlite" } }, "checkpointMode": "taskExit" }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { SqliteMemoizer: (options) => new SqliteMemoizer(options as SqliteMemoizerOptions) },
  defaultFactory: 'SqliteMemoizer',
  description: 'Memoizer in SQLite: checkpoints are transactions, lookups query the database.',
});
