import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { HttpStaging } from './HttpStaging.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `HttpStaging`),
 * and lets the loader check the core range this package supports. Name, version, kind, maturity
 * and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "staging": [{ "package": "@parsl-ts/staging-http", "options": { "mode": "separate-task" } }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Stages http:// and https:// inputs, in the task on the worker or as a separate staging task.',
  factories: { HttpStaging: (options) => HttpStaging.fromOptions(options) },
  defaultFactory: 'HttpStaging',
});
