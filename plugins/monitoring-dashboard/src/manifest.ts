import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { startDashboard } from './startDashboard.js';

/**
 * The plugin manifest: lets `parsl-ts plugins` list the dashboard and the loader check the core
 * range it supports. Its factory `Dashboard` starts a dashboard from plain-data options
 * (`{ database, host?, port? }`), which is what `parsl-ts visualize` does. Name, version, kind,
 * maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { plugin } from '@parsl-ts/monitoring-dashboard';
 * const dashboard = await plugin.factories.Dashboard!({ database: 'runinfo/monitoring.db', port: 0 });
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'A web dashboard over a parsl-ts monitoring database.',
  factories: { Dashboard: (options) => startDashboard(options as { database: string }) },
  defaultFactory: 'Dashboard',
});
