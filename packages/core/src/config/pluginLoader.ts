import { createRequire } from 'node:module';
import { parslContainer, pluginToken, PluginManifestToken } from '../di/container.js';
import { ErrorCodes } from '../errors/codes.js';
import { PluginError } from '../errors/usageErrors.js';
import type { PluginDescriptor } from '../interfaces/Serializer.js';
import { CORE_VERSION } from '../version.js';
import { MATURITY_LEVELS, PLUGIN_KINDS, type PluginFactory, type PluginKind, type PluginManifest } from './PluginManifest.js';

const load = createRequire(import.meta.url);
let semverModule: typeof import('semver') | undefined;
/** semver, loaded on first use. */
function semver(): typeof import('semver') {
  semverModule ??= load('semver') as typeof import('semver');
  return semverModule;
}

const loaded = new Map<string, PluginManifest>();
const warnedExperimental = new Set<string>();

/** Notices (the experimental warning) wait here until a run's logger takes them. */
const heldNotices: string[] = [];
const holdNotice = (message: string): void => { if (heldNotices.length < 100) heldNotices.push(message); };
let notice: (message: string) => void = holdNotice;

/**
 * Say something about plugins in the run log (held until a run's logger takes it).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * pluginNotice('@parsl-ts/serializer-msgpack is not installed: using the json serializer');
 * ```
 */
export function pluginNotice(message: string): void {
  notice(message);
}

/**
 * Route plugin-loading notices (such as "this plugin is experimental") to a function. Notices
 * raised while no handler is set are held and delivered to the next handler (the next run's log).
 * `undefined` goes back to holding them.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * setPluginNoticeHandler((m) => logger.warn(m));
 * ```
 */
export function setPluginNoticeHandler(handler: ((message: string) => void) | undefined): void {
  notice = handler ?? holdNotice;
  if (!handler) return;
  for (const message of heldNotices.splice(0)) handler(message);
}

/**
 * Check a manifest's shape and core range, then register its factories in the container.
 * Throws PARSL_PLUGIN_LOAD for a bad manifest and PARSL_PLUGIN_INCOMPATIBLE (naming both
 * versions) when the running core is outside the plugin's range.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * registerPlugin(plugin); // the manifest exported by a plugin package
 * ```
 */
export function registerPlugin(manifest: PluginManifest, specifier: string = manifest?.name): PluginManifest {
  validateManifest(manifest, specifier);
  if (!semver().satisfies(CORE_VERSION, manifest.coreRange, { includePrerelease: true })) {
    throw new PluginError(ErrorCodes.PluginIncompatible, specifier,
      `plugin ${manifest.name}@${manifest.version} supports @parsl-ts/core ${manifest.coreRange}, but the running core is ${CORE_VERSION}`, {
        hint: `install a version of ${manifest.name} whose peerDependency on @parsl-ts/core includes ${CORE_VERSION}, or a core in ${manifest.coreRange}`,
      });
  }
  const previous = loaded.get(manifest.name);
  if (previous === manifest) return manifest;
  const container = parslContainer();
  for (const [exportName, factory] of Object.entries(manifest.factories)) {
    container.register(pluginToken(manifest.kind, manifest.name, exportName), { useValue: factory });
  }
  container.register(PluginManifestToken, { useValue: manifest });
  loaded.set(manifest.name, manifest);
  if ((manifest.maturity === 'experimental' || manifest.maturity === 'deprecated') && !warnedExperimental.has(manifest.name)) {
    warnedExperimental.add(manifest.name);
    notice(manifest.maturity === 'experimental'
      ? `${manifest.name}@${manifest.version} is experimental: its API and behaviour may change in any release`
      : `${manifest.name}@${manifest.version} is deprecated: it will be removed; see its README for the replacement`);
  }
  return manifest;
}

/**
 * Import a plugin package (or module URL) and register it. The package must export `plugin`,
 * a {@link PluginManifest}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const manifest = await loadPlugin('@parsl-ts/executor-threads');
 * ```
 */
export async function loadPlugin(specifier: string, importer: (s: string) => Promise<unknown> = defaultImport): Promise<PluginManifest> {
  const cached = loaded.get(specifier);
  if (cached) return cached;
  let mod: unknown;
  try {
    mod = await importer(specifier);
  } catch (cause) {
    const missing = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    throw new PluginError(ErrorCodes.PluginLoad, specifier, `plugin ${specifier} could not be imported: ${(cause as Error)?.message ?? cause}`, {
      cause,
      hint: missing ? `install it: npm install ${specifier}` : 'the package is installed but fails to load; see the cause',
    });
  }
  const manifest = (mod as { plugin?: PluginManifest }).plugin;
  if (manifest === undefined) {
    throw new PluginError(ErrorCodes.PluginLoad, specifier, `${specifier} does not export \`plugin\`, so it is not a parsl-ts plugin`, {
      hint: 'a plugin package exports `export const plugin = definePlugin({...})` (see docs/writing-a-plugin.md)',
    });
  }
  return registerPlugin(manifest, specifier);
}

/**
 * Create a plugin instance from a descriptor (`{ package, export?, options? }`) through the
 * container. `kind` is checked when given.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const ex = await instantiatePlugin({ package: '@parsl-ts/executor-threads', options: { maxThreads: 2 } }, 'executor');
 * ```
 */
export async function instantiatePlugin<T>(descriptor: PluginDescriptor, kind?: PluginKind, importer?: (s: string) => Promise<unknown>): Promise<T> {
  const manifest = await loadPlugin(descriptor.package, importer);
  if (kind !== undefined && manifest.kind !== kind) {
    throw new PluginError(ErrorCodes.PluginLoad, descriptor.package, `${descriptor.package} is a ${manifest.kind} plugin, but a ${kind} was expected here`, {
      hint: `use a ${kind} plugin in this place of the config`,
    });
  }
  const exportName = descriptor.export ?? manifest.defaultFactory;
  const token = pluginToken(manifest.kind, manifest.name, exportName);
  const container = parslContainer();
  if (!container.isRegistered(token)) {
    throw new PluginError(ErrorCodes.PluginLoad, descriptor.package, `${descriptor.package} has no factory "${exportName}" (it has: ${Object.keys(manifest.factories).join(', ')})`, {
      hint: 'fix the "export" field of the plugin entry in your config',
    });
  }
  const factory = container.resolve<PluginFactory<T>>(token);
  // Plugin entries inside the options (an executor's provider, a provider's launcher) are
  // instantiated first, from the same place (a config file's folder), so a config file can
  // compose plugins by package at any depth.
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(descriptor.options ?? {})) options[key] = await instantiateNestedPlugins(value, importer);
  try {
    return await factory(options);
  } catch (cause) {
    if (cause instanceof Error && 'code' in cause) throw cause;
    throw new PluginError(ErrorCodes.PluginLoad, descriptor.package, `${descriptor.package}#${exportName} rejected its options: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/**
 * True for `{ package, export?, options? }` and nothing else: the shape of a plugin entry.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * isPluginEntry({ package: '@parsl-ts/provider-local', options: { maxBlocks: 2 } }); // true
 * ```
 */
export function isPluginEntry(value: unknown): value is PluginDescriptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  if (typeof entry.package !== 'string' || entry.package.length === 0) return false;
  if (entry.export !== undefined && typeof entry.export !== 'string') return false;
  if (entry.options !== undefined && (typeof entry.options !== 'object' || entry.options === null || Array.isArray(entry.options))) return false;
  return Object.keys(entry).every((key) => key === 'package' || key === 'export' || key === 'options');
}

async function instantiateNestedPlugins(value: unknown, importer: ((s: string) => Promise<unknown>) | undefined): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => instantiateNestedPlugins(item, importer)));
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  if (isPluginEntry(value)) return instantiatePlugin(value, undefined, importer);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = await instantiateNestedPlugins(item, importer);
  return out;
}

/**
 * The manifests of every plugin loaded so far.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * loadedPlugins().map((m) => m.name);
 * ```
 */
export function loadedPlugins(): PluginManifest[] {
  return [...loaded.values()];
}

function validateManifest(manifest: PluginManifest, specifier: string): void {
  const problems: string[] = [];
  if (typeof manifest !== 'object' || manifest === null) problems.push('the manifest is not an object');
  else {
    if (typeof manifest.name !== 'string' || !manifest.name) problems.push('name is missing');
    if (typeof manifest.version !== 'string' || !semver().valid(manifest.version)) problems.push('version is not a semver version');
    if (!PLUGIN_KINDS.includes(manifest.kind)) problems.push(`kind must be one of ${PLUGIN_KINDS.join(', ')}`);
    if (!MATURITY_LEVELS.includes(manifest.maturity)) problems.push(`maturity must be one of ${MATURITY_LEVELS.join(', ')}`);
    if (typeof manifest.coreRange !== 'string' || semver().validRange(manifest.coreRange) === null) problems.push('coreRange is not a semver range');
    if (typeof manifest.factories !== 'object' || manifest.factories === null) problems.push('factories is missing');
    else if (typeof manifest.factories[manifest.defaultFactory] !== 'function') problems.push(`defaultFactory "${manifest.defaultFactory}" is not one of the factories`);
  }
  if (problems.length > 0) {
    throw new PluginError(ErrorCodes.PluginLoad, specifier, `${specifier} exports an invalid plugin manifest: ${problems.join('; ')}`, {
      hint: 'see docs/writing-a-plugin.md for the manifest fields',
    });
  }
}

function defaultImport(specifier: string): Promise<unknown> {
  return import(specifier);
}
