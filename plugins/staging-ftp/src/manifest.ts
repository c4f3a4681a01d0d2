import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { FtpStaging } from './FtpStaging.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `FtpStaging`),
 * and lets the loader check the core range this package supports. Name, version, kind, maturity
 * and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "staging": [{ "package": "@parsl-ts/staging-ftp", "options": { "mode": "in-task" } }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Stages ftp:// inputs, in the task on the worker or as a separate staging task.',
  factories: { FtpStaging: (options) => FtpStaging.fromOptions(options) },
  defaultFactory: 'FtpStaging',
});
