import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { PBSProProvider } from './PBSProProvider.js';
import { TorqueProvider } from './TorqueProvider.js';

/**
 * The plugin manifest: lets config files name these providers by package (factories
 * `PBSProProvider`, the default, and `TorqueProvider`; their `launcher` option may itself be a
 * plugin entry), and lets the loader check the core range this package supports. Name, version,
 * kind, maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/provider-pbs", "export": "TorqueProvider", "options": { "queue": "batch", "nodesPerBlock": 2 } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Gets blocks of nodes from PBS Pro or Torque.',
  factories: {
    PBSProProvider: (options) => PBSProProvider.fromOptions(options),
    TorqueProvider: (options) => TorqueProvider.fromOptions(options),
  },
  defaultFactory: 'PBSProProvider',
});
