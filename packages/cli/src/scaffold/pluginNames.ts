/**
 * The names a new plugin gets from its kind, its short name and its npm scope: the npm package
 * name, the folder, the main class and the `kind` string an executor reports.
 *
 * @module
 */
import { CliError, CliErrorCodes } from '../errors.js';

/**
 * The plugin kinds `parsl-ts plugin new` can generate (core's plugin kinds).
 *
 * @since 0.1.0
 */
export const SCAFFOLD_KINDS = ['executor', 'provider', 'launcher', 'staging', 'serializer', 'monitoring', 'memoizer', 'strategy', 'store'] as const;

/**
 * One of {@link SCAFFOLD_KINDS}.
 *
 * @since 0.1.0
 */
export type ScaffoldKind = (typeof SCAFFOLD_KINDS)[number];

/**
 * The first-party scope: its packages live in the monorepo's plugins/ folder.
 *
 * @since 0.1.0
 */
export const FIRST_PARTY_SCOPE = '@parsl-ts';

/** What the class of each kind is called after the plugin's name (`vault` → `VaultStaging`). */
const CLASS_SUFFIX: Readonly<Record<ScaffoldKind, string>> = {
  executor: 'Executor', provider: 'Provider', launcher: 'Launcher', staging: 'Staging', serializer: 'Serializer',
  monitoring: 'Monitoring', memoizer: 'Memoizer', strategy: 'Strategy', store: 'Store',
};

/**
 * The names of a new plugin.
 *
 * @since 0.1.0
 */
export interface PluginNames {
  /** The kind. */
  readonly kind: ScaffoldKind;
  /** The short name, lower-case words joined by `-` (`k8s`, `object-store`). */
  readonly name: string;
  /** The npm scope with its `@`, or undefined for an unscoped package. */
  readonly scope: string | undefined;
  /** The npm package name: `@parsl-ts/<kind>-<name>`, `@scope/parsl-ts-<kind>-<name>` or `parsl-ts-<kind>-<name>`. */
  readonly packageName: string;
  /** The folder name the package gets by default (the package name without its scope). */
  readonly folder: string;
  /** The main class: the name in PascalCase plus the kind (`K8sExecutor`). */
  readonly className: string;
  /** True for the first-party scope (`@parsl-ts`). */
  readonly firstParty: boolean;
}

const NAME_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SCOPE_RE = /^@[a-z0-9][a-z0-9._-]*$/;

/**
 * Check the kind, name and scope of a new plugin and derive its names. Throws
 * `PARSL_CLI_BAD_OPTION` with a hint for anything npm or the plugin rules would refuse.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * pluginNames('executor', 'k8s', '@acme').packageName; // '@acme/parsl-ts-executor-k8s'
 * pluginNames('staging', 'vault', '@parsl-ts').className; // 'VaultStaging'
 * ```
 */
export function pluginNames(kind: string, name: string, scope?: string): PluginNames {
  if (!(SCAFFOLD_KINDS as readonly string[]).includes(kind)) {
    throw new CliError(CliErrorCodes.BadOption, `unknown plugin kind ${JSON.stringify(kind)}`, `use one of ${SCAFFOLD_KINDS.join(', ')}`);
  }
  const k = kind as ScaffoldKind;
  if (!NAME_RE.test(name)) {
    throw new CliError(CliErrorCodes.BadOption, `plugin name ${JSON.stringify(name)} is not lower-case words joined by "-"`,
      'e.g. parsl-ts plugin new executor k8s, or ... staging object-store (the kind is added to the package name for you)');
  }
  if (name === k || name.startsWith(`${k}-`)) {
    throw new CliError(CliErrorCodes.BadOption, `plugin name ${JSON.stringify(name)} repeats the kind`, `drop the "${k}-" prefix: the package is named <kind>-<name> for you`);
  }
  const normalizedScope = scope === undefined || scope === '' ? undefined : scope.startsWith('@') ? scope : `@${scope}`;
  if (normalizedScope !== undefined && !SCOPE_RE.test(normalizedScope)) {
    throw new CliError(CliErrorCodes.BadOption, `npm scope ${JSON.stringify(scope)} is not valid`, 'a scope is @ followed by lower-case letters, digits, ".", "_" or "-", e.g. --scope @acme');
  }
  const firstParty = normalizedScope === FIRST_PARTY_SCOPE;
  const folder = firstParty ? `${k}-${name}` : `parsl-ts-${k}-${name}`;
  const packageName = normalizedScope === undefined ? folder : `${normalizedScope}/${folder}`;
  const className = name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('') + CLASS_SUFFIX[k];
  return { kind: k, name, scope: normalizedScope, packageName, folder, className, firstParty };
}
