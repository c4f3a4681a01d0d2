/**
 * `parsl-ts config check <file>`: validate a config file the way `loadConfig` would use it —
 * read it, check every setting, import every plugin it names (checking each plugin's core range)
 * and build the plugin instances — without starting any executor.
 *
 * @module
 */
import { dirname, resolve } from 'node:path';
import type { Config, ConfigFile, PluginDescriptor, PluginKind } from '@parsl-ts/core';
import { hooksRegistered, loadCore, type CoreModule } from '../core.js';

/**
 * One problem found in a config file.
 *
 * @since 0.1.0
 */
export interface ConfigProblem {
  /** Stable error code, e.g. `PARSL_INVALID_CONFIG` or `PARSL_PLUGIN_INCOMPATIBLE`. */
  readonly code: string;
  /** The setting at fault (`executors[0].package`), when known. */
  readonly path: string | undefined;
  /** What is wrong, starting with the path. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string | undefined;
}

/**
 * What a valid config amounts to.
 *
 * @since 0.1.0
 */
export interface ConfigSummary {
  /** The executors, in order. */
  readonly executors: ReadonlyArray<{ label: string; kind: string; package: string; options: Record<string, unknown> }>;
  /** The serializer. */
  readonly serializer: { id: string; package: string };
  /** Other settings that were given (or their defaults). */
  readonly settings: Record<string, unknown>;
}

/**
 * The outcome of {@link checkConfigFile}.
 *
 * @since 0.1.0
 */
export interface ConfigCheckResult {
  /** The file checked. */
  readonly file: string;
  /** Version of the core it was checked against. */
  readonly coreVersion: string;
  /** Every problem found (empty when the config is valid). */
  readonly problems: readonly ConfigProblem[];
  /** What the config amounts to, when it is valid. */
  readonly summary: ConfigSummary | undefined;
  /** Notices from loading plugins (e.g. "... is experimental"). */
  readonly notices: readonly string[];
}

const ENTRY_KINDS: ReadonlyArray<readonly [key: keyof ConfigFile, kind: PluginKind, list: boolean]> = [
  ['executors', 'executor', true], ['serializer', 'serializer', false], ['monitoring', 'monitoring', false],
  ['memoizer', 'memoizer', false], ['staging', 'staging', true], ['strategy', 'strategy', false],
];

function toProblem(error: unknown, path?: string): ConfigProblem {
  const e = error as { code?: unknown; path?: unknown; message?: unknown; hint?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'PARSL_INVALID_CONFIG';
  const ownPath = typeof e?.path === 'string' ? e.path : undefined;
  let message = typeof e?.message === 'string' ? e.message : String(error);
  if (path !== undefined && ownPath === undefined && !message.startsWith(`${path}:`)) message = `${path}: ${message}`;
  return { code, path: ownPath ?? path, message, hint: typeof e?.hint === 'string' ? e.hint : undefined };
}

function problemsOf(error: unknown): ConfigProblem[] {
  const list = (error as { problems?: unknown[] }).problems;
  return Array.isArray(list) && list.length > 0 ? list.map((p) => toProblem(p)) : [toProblem(error)];
}

/** The plugin entries of a config file with their paths and kinds. */
function pluginEntries(file: Record<string, unknown>): { path: string; kind: PluginKind; entry: PluginDescriptor }[] {
  const entries: { path: string; kind: PluginKind; entry: PluginDescriptor }[] = [];
  const add = (value: unknown, path: string, kind: PluginKind): void => {
    if (typeof value === 'object' && value !== null && typeof (value as PluginDescriptor).package === 'string' && (value as PluginDescriptor).package.length > 0) {
      entries.push({ path, kind, entry: value as PluginDescriptor });
    }
  };
  for (const [key, kind, list] of ENTRY_KINDS) {
    const value = file[key];
    if (list && Array.isArray(value)) value.forEach((v, i) => add(v, `${key}[${i}]`, kind));
    else if (!list) add(value, key, kind);
  }
  return entries;
}

/**
 * Check a config file without starting anything. Collects every problem: settings that
 * `validateConfigFile` rejects, plugins that do not import, are of the wrong kind, do not support
 * the running core (PARSL_PLUGIN_INCOMPATIBLE) or reject their options, and what `resolveConfig`
 * finds (duplicate executor labels, ...).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const result = await checkConfigFile('parsl.config.json');
 * for (const p of result.problems) console.log(p.code, p.message);
 * ```
 */
export async function checkConfigFile(file: string): Promise<ConfigCheckResult> {
  if (!hooksRegistered()) await import('../loader/register.js');
  const absolute = resolve(file);
  const baseDir = dirname(absolute);
  const { core } = await loadCore(baseDir);
  const notices: string[] = [];
  core.setPluginNoticeHandler((message) => notices.push(message));
  try {
    return await check(core, file, baseDir, notices);
  } finally {
    core.setPluginNoticeHandler(undefined);
  }
}

async function check(core: CoreModule, file: string, baseDir: string, notices: string[]): Promise<ConfigCheckResult> {
  const result = (problems: ConfigProblem[], summary?: ConfigSummary): ConfigCheckResult =>
    ({ file, coreVersion: core.CORE_VERSION, problems, summary, notices });
  let raw: ConfigFile | Config;
  try {
    raw = await core.readConfigFile(file);
  } catch (error) {
    return result([toProblem(error)]);
  }
  const problems: ConfigProblem[] = core.validateConfigFile(raw).map((p) => toProblem(p));

  // Import and build every plugin entry the validation did not already reject.
  const importer = (specifier: string): Promise<unknown> => core.importFrom(specifier, baseDir);
  for (const { path, kind, entry } of pluginEntries(raw as Record<string, unknown>)) {
    if (problems.some((p) => p.path !== undefined && (p.path === path || p.path.startsWith(`${path}.`)))) continue;
    try {
      await core.instantiatePlugin(entry, kind, importer);
    } catch (error) {
      problems.push(toProblem(error, path));
    }
  }
  if (problems.length > 0) return result(problems);

  let config: Config;
  try {
    config = await core.configFromFile(file);
  } catch (error) {
    return result(problemsOf(error));
  }
  let resolved: Awaited<ReturnType<CoreModule['resolveConfig']>>;
  try {
    resolved = await core.resolveConfig(config, baseDir);
  } catch (error) {
    return result(problemsOf(error));
  }
  const rawExecutors = (raw as ConfigFile).executors;
  const summary: ConfigSummary = {
    executors: resolved.executors.map((executor, i) => ({
      label: executor.label, kind: executor.kind,
      package: rawExecutors?.[i]?.package ?? '@parsl-ts/executor-threads (default)',
      options: { ...(executor.options ?? {}) },
    })),
    serializer: { id: resolved.serializer.id, package: resolved.serializer.descriptor?.package ?? '?' },
    settings: {
      retries: resolved.retries ?? 0,
      runDir: resolved.runDir ?? 'runinfo',
      strategy: typeof resolved.strategy === 'string' || resolved.strategy === undefined ? (resolved.strategy ?? 'simple') : 'custom',
      logLevel: resolved.logLevel ?? 'info',
      cleanupTimeout: resolved.cleanupTimeout ?? 30,
      ...(resolved.name !== undefined ? { name: resolved.name } : {}),
      ...(resolved.monitoring ? { monitoring: (raw as ConfigFile).monitoring?.package ?? 'yes' } : {}),
      ...(resolved.memoizer ? { memoizer: (raw as ConfigFile).memoizer?.package ?? 'yes' } : {}),
      ...(resolved.staging?.length ? { staging: resolved.staging.length } : {}),
    },
  };
  return result([], summary);
}

/**
 * Print a check result as `parsl-ts config check` does. Returns the exit status (1 when there
 * are problems).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.exitCode = printConfigCheck(await checkConfigFile('parsl.config.json'));
 * ```
 */
export function printConfigCheck(result: ConfigCheckResult, write: (text: string) => void = (t) => { process.stdout.write(t); }): number {
  if (result.problems.length > 0) {
    for (const p of result.problems) {
      write(`✗ [${p.code}] ${p.message}\n`);
      if (p.hint) write(`  hint: ${p.hint}\n`);
    }
    write(`\n${result.file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (checked with @parsl-ts/core ${result.coreVersion})\n`);
    return 1;
  }
  const s = result.summary!;
  write(`✓ ${result.file} is valid (checked with @parsl-ts/core ${result.coreVersion}; no executor was started)\n`);
  write('  executors:\n');
  for (const e of s.executors) {
    const opts = Object.entries(e.options).filter(([k]) => k !== 'label').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    write(`    - ${e.label}: ${e.kind} from ${e.package}${opts ? ` (${opts})` : ''}\n`);
  }
  write(`  serializer: ${s.serializer.id} from ${s.serializer.package}\n`);
  write(`  ${Object.entries(s.settings).map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}\n`);
  for (const notice of result.notices) write(`  note: ${notice}\n`);
  return 0;
}

/**
 * The `parsl-ts config check <file>` command.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await configCheckCommand('parsl.config.json'); // sets process.exitCode
 * ```
 */
export async function configCheckCommand(file: string, options: { json?: boolean } = {}): Promise<void> {
  const result = await checkConfigFile(file);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = result.problems.length > 0 ? 1 : 0;
    return;
  }
  process.exitCode = printConfigCheck(result);
}
