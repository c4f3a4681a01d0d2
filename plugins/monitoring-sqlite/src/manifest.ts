import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { MonitoringHub, type MonitoringHubOptions } from './MonitoringHub.js';

/**
 * The plugin manifest: lets config files name the hub by package, and lets the loader check the
 * core range it supports. Name, version, kind, maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "monitoring": { "package": "@parsl-ts/monitoring-sqlite", "options": { "resourceMonitoringInterval": 5 } } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Records every task, try, state transition, block, node and resource sample in SQLite.',
  factories: { MonitoringHub: (options) => new MonitoringHub(options as MonitoringHubOptions) },
  defaultFactory: 'MonitoringHub',
});
