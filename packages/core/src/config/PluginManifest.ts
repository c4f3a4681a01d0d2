/**
 * The kinds of plugin parsl-ts knows.
 *
 * @since 0.1.0
 */
export type PluginKind =
  | 'executor' | 'provider' | 'launcher' | 'staging' | 'serializer' | 'monitoring' | 'memoizer' | 'strategy' | 'store';

/**
 * Maturity levels of a plugin: what it promises (see docs/maturity.md).
 *
 * @since 0.1.0
 */
export type Maturity = 'experimental' | 'beta' | 'stable' | 'deprecated';

/** Every maturity level, in lifecycle order. */
export const MATURITY_LEVELS: readonly Maturity[] = ['experimental', 'beta', 'stable', 'deprecated'];

/** Every plugin kind. */
export const PLUGIN_KINDS: readonly PluginKind[] = ['executor', 'provider', 'launcher', 'staging', 'serializer', 'monitoring', 'memoizer', 'strategy', 'store'];

/**
 * Builds a plugin instance from plain-data options (what a config file holds).
 *
 * @since 0.1.0
 */
export type PluginFactory<T = unknown> = (options: Record<string, unknown>) => T | Promise<T>;

/**
 * What every plugin package exports as `plugin`: who it is, what it provides and which cores it
 * supports. The loader checks `coreRange` against the running core before it registers the
 * factories in the container.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * export const plugin = definePlugin({
 *   name: '@parsl-ts/executor-threads', version: '0.1.0', kind: 'executor', maturity: 'experimental',
 *   coreRange: '^0.1.0', factories: { ThreadPoolExecutor: (o) => new ThreadPoolExecutor(o) },
 *   defaultFactory: 'ThreadPoolExecutor',
 * });
 * ```
 */
export interface PluginManifest {
  /** npm package name. */
  readonly name: string;
  /** The package's version. */
  readonly version: string;
  /** What kind of plugin this is. */
  readonly kind: PluginKind;
  /** Maturity level. */
  readonly maturity: Maturity;
  /** semver range of @parsl-ts/core this plugin supports (its peerDependency range). */
  readonly coreRange: string;
  /** Factories by export name. */
  readonly factories: Readonly<Record<string, PluginFactory>>;
  /** The factory used when a descriptor names no export. */
  readonly defaultFactory: string;
  /** One line on what it is, for `parsl-ts plugins`. */
  readonly description?: string;
}

/**
 * Declare a plugin manifest (identity function that gives type checking).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * export const plugin = definePlugin({ name: '@acme/x', version: '0.1.0', kind: 'executor',
 *   maturity: 'experimental', coreRange: '^0.1.0', factories: { X: (o) => new X(o) }, defaultFactory: 'X' });
 * ```
 */
export function definePlugin(manifest: PluginManifest): PluginManifest {
  return manifest;
}
