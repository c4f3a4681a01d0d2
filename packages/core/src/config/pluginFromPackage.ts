import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../errors/codes.js';
import { PluginError } from '../errors/usageErrors.js';
import { definePlugin, type PluginFactory, type PluginKind, type Maturity, type PluginManifest } from './PluginManifest.js';

/**
 * Build a plugin's manifest from its package.json, so the name, version, kind, maturity and the
 * supported core range (the peerDependency on @parsl-ts/core) are written once, where npm and
 * the repository lint read them too.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * export const plugin = pluginFromPackage(new URL('../package.json', import.meta.url), {
 *   factories: { ThreadPoolExecutor: (o) => new ThreadPoolExecutor(o) },
 *   defaultFactory: 'ThreadPoolExecutor',
 *   description: 'A worker_threads pool on this machine.',
 * });
 * ```
 */
export function pluginFromPackage(
  packageJsonUrl: URL,
  parts: { factories: Readonly<Record<string, PluginFactory>>; defaultFactory: string; description?: string },
): PluginManifest {
  const path = fileURLToPath(packageJsonUrl);
  let pkg: { name?: string; version?: string; description?: string; peerDependencies?: Record<string, string>; 'parsl-ts'?: { kind?: PluginKind; maturity?: Maturity } };
  try {
    pkg = JSON.parse(readFileSync(path, 'utf8')) as typeof pkg;
  } catch (cause) {
    throw new PluginError(ErrorCodes.PluginLoad, path, `the plugin's package.json (${path}) could not be read: ${(cause as Error).message}`, { cause });
  }
  const meta = pkg['parsl-ts'];
  const coreRange = pkg.peerDependencies?.['@parsl-ts/core'];
  if (!pkg.name || !pkg.version || !meta?.kind || !meta.maturity || !coreRange) {
    throw new PluginError(ErrorCodes.PluginLoad, path, `${path} lacks ${[
      !pkg.name && 'name', !pkg.version && 'version', !meta?.kind && '"parsl-ts".kind', !meta?.maturity && '"parsl-ts".maturity',
      !coreRange && 'peerDependencies["@parsl-ts/core"]',
    ].filter(Boolean).join(', ')}`, { hint: 'see docs/writing-a-plugin.md for the package.json fields of a plugin' });
  }
  const description = parts.description ?? pkg.description;
  return definePlugin({
    name: pkg.name, version: pkg.version, kind: meta.kind, maturity: meta.maturity, coreRange,
    factories: parts.factories, defaultFactory: parts.defaultFactory, ...(description ? { description } : {}),
  });
}
