import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { SlurmProvider } from './SlurmProvider.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory
 * `SlurmProvider`, whose `launcher` option may itself be a plugin entry), and lets the loader
 * check the core range this package supports. Name, version, kind, maturity and core range come
 * from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/provider-slurm", "options": { "partition": "debug", "nodesPerBlock": 2, "launcher": { "package": "@parsl-ts/launchers", "export": "SrunLauncher" } } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Gets blocks of nodes from a Slurm cluster.',
  factories: { SlurmProvider: (options) => SlurmProvider.fromOptions(options) },
  defaultFactory: 'SlurmProvider',
});
