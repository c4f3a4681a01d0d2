import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { GlobusStaging } from './GlobusStaging.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `GlobusStaging`),
 * and lets the loader check the core range this package supports. Name, version, kind, maturity
 * and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "staging": [{ "package": "@parsl-ts/staging-globus", "options": { "localEndpoint": "ddb59aef-6d04-11e5-ba46-22000b92c6ec", "clientId": "..." } }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Stages globus://<endpoint>/path files in and out with Globus transfers (@globus/sdk).',
  factories: { GlobusStaging: (options) => GlobusStaging.fromOptions(options) },
  defaultFactory: 'GlobusStaging',
});
