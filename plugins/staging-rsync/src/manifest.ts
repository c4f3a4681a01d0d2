import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { RsyncStaging } from './RsyncStaging.js';

/**
 * The plugin manifest: lets config files name this provider by package (factory `RsyncStaging`),
 * and lets the loader check the core range this package supports. Name, version, kind, maturity
 * and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "staging": [{ "package": "@parsl-ts/staging-rsync", "options": { "identityFile": "/home/me/.ssh/id_ed25519" } }] }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Stages rsync:// files in and out with the rsync program (a local path, or host:path over ssh).',
  factories: { RsyncStaging: (options) => RsyncStaging.fromOptions(options) },
  defaultFactory: 'RsyncStaging',
});
