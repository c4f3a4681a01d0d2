import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { LocalProvider } from './LocalProvider.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `LocalProvider`,
 * whose `launcher` option may itself be a plugin entry), and lets the loader check the core range
 * this package supports. Name, version, kind, maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/provider-local", "options": { "maxBlocks": 2, "launcher": { "package": "@parsl-ts/launchers", "export": "SingleNodeLauncher" } } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Runs blocks as process groups on this machine.',
  factories: { LocalProvider: (options) => LocalProvider.fromOptions(options) },
  defaultFactory: 'LocalProvider',
});
