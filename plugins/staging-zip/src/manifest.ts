import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { ZipStaging } from './ZipStaging.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `ZipStaging`),
 * and lets the loader check the core range this package supports. Name, version, kind, maturity
 * and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "staging": [{ "package": "@parsl-ts/staging-zip" }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Stages outputs into zip archives and inputs out of them (zip:///archive.zip/inner/path).',
  factories: { ZipStaging: (options) => ZipStaging.fromOptions(options) },
  defaultFactory: 'ZipStaging',
});
