import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes } from '../errors/codes.js';
import { ParslError } from '../errors/ParslError.js';
import { ConfigError } from '../errors/usageErrors.js';
import type { Executor } from '../interfaces/Executor.js';
import type { Memoizer } from '../interfaces/Memoizer.js';
import type { Monitoring } from '../interfaces/Monitoring.js';
import type { PluginDescriptor, Serializer } from '../interfaces/Serializer.js';
import type { Staging } from '../interfaces/Staging.js';
import type { Strategy } from '../interfaces/Strategy.js';
import type { Config, ConfigFile } from './Config.js';
import { importFrom } from './importFrom.js';
import { instantiatePlugin } from './pluginLoader.js';
import { usageTrackingSettings } from '../usage/UsageTracker.js';

const KNOWN_KEYS = new Set(['executors', 'serializer', 'serializers', 'monitoring', 'memoizer', 'staging', 'strategy', 'retries', 'retryHandler',
  'runDir', 'name', 'strategyPeriod', 'logLevel', 'cleanupTimeout', 'usageTracking', 'executorSerializers', 'checkpointMode', 'checkpointPeriod',
  'checkpointFiles', 'memoizeFailures', '$schema']);

/**
 * Read a config file: JSON (`.json`), or a module (`.ts`, `.mts`, `.js`, `.mjs`) whose default
 * export is a ConfigFile or a Config (or a function returning one). TypeScript files need a TS
 * loader, which `parsl-ts` provides.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const raw = await readConfigFile('parsl.config.json');
 * ```
 */
export async function readConfigFile(path: string): Promise<ConfigFile | Config> {
  const absolute = resolve(path);
  const ext = extname(absolute);
  try {
    if (ext === '.json') {
      const text = await readFile(absolute, 'utf8');
      try {
        return JSON.parse(text) as ConfigFile;
      } catch (cause) {
        throw new ConfigError(`${path} is not valid JSON: ${(cause as Error).message}`, { code: ErrorCodes.ConfigFile, cause, hint: 'fix the JSON syntax (a JSON linter shows the exact spot)' });
      }
    }
    if (!['.ts', '.mts', '.js', '.mjs', '.cjs', '.cts'].includes(ext)) {
      throw new ConfigError(`${path}: config files must be .json, .ts or .js`, { code: ErrorCodes.ConfigFile, hint: 'rename it to parsl.config.json or parsl.config.ts' });
    }
    const mod = (await import(pathToFileURL(absolute).href)) as { default?: unknown; config?: unknown };
    let exported = mod.default ?? mod.config;
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
    if (typeof exported !== 'object' || exported === null) {
      throw new ConfigError(`${path} must export the config as its default export`, { code: ErrorCodes.ConfigFile, hint: 'write `export default { executors: [...] }`' });
    }
    return exported as ConfigFile | Config;
  } catch (error) {
    if (error instanceof ParslError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path} could not be read: ${(error as Error)?.message ?? error}`, {
      code: ErrorCodes.ConfigFile, cause: error,
      hint: code === 'ENOENT' ? 'check the path' : 'run it with node to see the error in the file itself',
    });
  }
}

/**
 * Check a config file's contents without loading plugins: unknown keys, wrong types, plugin
 * entries without a package. Returns every problem (empty when it is fine).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * validateConfigFile({ executors: [{ options: {} }] }); // [ConfigError 'executors[0].package: ...']
 * ```
 */
export function validateConfigFile(file: ConfigFile | Config): ConfigError[] {
  const problems: ConfigError[] = [];
  const add = (path: string, message: string, hint: string): void => { problems.push(new ConfigError(message, { path, hint })); };
  for (const key of Object.keys(file)) {
    if (!KNOWN_KEYS.has(key)) add(key, 'is not a config setting', `known settings: ${[...KNOWN_KEYS].filter((k) => k !== '$schema').join(', ')}`);
  }
  const entry = (value: unknown, path: string): void => {
    if (isInstance(value)) return;
    if (typeof value !== 'object' || value === null) {
      add(path, 'must be a plugin entry { "package": "...", "options": { ... } }', 'name the plugin by its npm package');
      return;
    }
    const d = value as PluginDescriptor;
    if (typeof d.package !== 'string' || d.package.length === 0) add(`${path}.package`, 'is missing', 'name the plugin by its npm package, e.g. "@parsl-ts/executor-threads"');
    if (d.export !== undefined && typeof d.export !== 'string') add(`${path}.export`, 'must be a string', 'name one of the plugin\'s factories');
    if (d.options !== undefined && (typeof d.options !== 'object' || d.options === null || Array.isArray(d.options))) add(`${path}.options`, 'must be an object', 'options are plain data: { "label": "x" }');
  };
  const f = file as ConfigFile;
  if (f.executors !== undefined) {
    if (!Array.isArray(f.executors) || f.executors.length === 0) add('executors', 'must be a non-empty list', 'leave it out for the default thread pool');
    else f.executors.forEach((e, i) => entry(e, `executors[${i}]`));
  }
  for (const key of ['serializer', 'monitoring', 'memoizer'] as const) if (f[key] !== undefined) entry(f[key], key);
  if (f.staging !== undefined) {
    if (!Array.isArray(f.staging)) add('staging', 'must be a list', 'list staging plugins');
    else f.staging.forEach((e, i) => entry(e, `staging[${i}]`));
  }
  if (f.executorSerializers !== undefined) {
    if (typeof f.executorSerializers !== 'object' || f.executorSerializers === null || Array.isArray(f.executorSerializers)) {
      add('executorSerializers', 'must map executor labels to serializer entries', 'write "executorSerializers": { "htex": { "package": "@parsl-ts/serializer-proxy", "options": { ... } } }');
    } else for (const [label, e] of Object.entries(f.executorSerializers)) entry(e, `executorSerializers.${label}`);
  }
  if (f.checkpointFiles !== undefined && (!Array.isArray(f.checkpointFiles) || !f.checkpointFiles.every((p) => typeof p === 'string'))) add('checkpointFiles', 'must be a list of paths', 'list checkpoint files or runinfo/NNN/checkpoint folders');
  if (f.checkpointMode !== undefined && typeof f.checkpointMode !== 'string') add('checkpointMode', 'must be a string', "use 'taskExit', 'periodic', 'dfkExit' or 'manual'");
  if (f.memoizeFailures !== undefined && typeof f.memoizeFailures !== 'boolean') add('memoizeFailures', 'must be true or false', 'remove it for the default (false)');
  if (f.strategy !== undefined && typeof f.strategy !== 'string') entry(f.strategy, 'strategy');
  else if (typeof f.strategy === 'string' && !['none', 'simple', 'htexAutoScale'].includes(f.strategy)) add('strategy', `unknown strategy "${f.strategy}"`, 'use none, simple or htexAutoScale');
  if (f.retries !== undefined && (!Number.isInteger(f.retries) || f.retries < 0)) add('retries', `must be a whole number >= 0, got ${JSON.stringify(f.retries)}`, 'set retries: 0 for no retries');
  for (const key of ['strategyPeriod', 'cleanupTimeout'] as const) {
    if (f[key] !== undefined && (typeof f[key] !== 'number' || f[key]! <= 0)) add(key, 'must be a positive number of seconds', 'remove it for the default');
  }
  for (const key of ['runDir', 'name'] as const) if (f[key] !== undefined && typeof f[key] !== 'string') add(key, 'must be a string', 'remove it for the default');
  if (f.logLevel !== undefined && !['trace', 'debug', 'info', 'warn', 'error', 'silent'].includes(f.logLevel)) add('logLevel', `unknown level ${JSON.stringify(f.logLevel)}`, 'use trace, debug, info, warn, error or silent');
  if (f.usageTracking !== undefined) {
    try {
      usageTrackingSettings(f.usageTracking, {});
    } catch (error) {
      if (error instanceof ConfigError) problems.push(error);
      else throw error;
    }
  }
  return problems;
}

/**
 * Read a config file and turn it into a {@link Config}: every plugin named by package is imported
 * (from the file's folder), checked against the running core, and instantiated through the
 * container. Throws the first problem; use {@link validateConfigFile} to list all of them.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig(await configFromFile('parsl.config.json'));
 * ```
 */
export async function configFromFile(path: string): Promise<Config> {
  const file = await readConfigFile(path);
  const problems = validateConfigFile(file);
  if (problems.length > 0) {
    const error = new ConfigError(`${path} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, {
      code: ErrorCodes.InvalidConfig, hint: problems[0]!.hint ?? '',
    });
    (error as ConfigError & { problems: ConfigError[] }).problems = problems;
    throw error;
  }
  const base = dirname(resolve(path));
  const importer = (s: string): Promise<unknown> => importFrom(s, base);
  const make = async <T>(value: unknown, kind: Parameters<typeof instantiatePlugin>[1]): Promise<T> =>
    isInstance(value) ? (value as T) : instantiatePlugin<T>(value as PluginDescriptor, kind, importer);
  const f = file as ConfigFile & Config;
  const config: Config = {};
  if (f.executors) config.executors = await Promise.all((f.executors as unknown[]).map((e) => make<Executor>(e, 'executor')));
  if (f.serializer) config.serializer = await make<Serializer>(f.serializer, 'serializer');
  if (f.monitoring) config.monitoring = await make<Monitoring>(f.monitoring, 'monitoring');
  if (f.memoizer) config.memoizer = await make<Memoizer>(f.memoizer, 'memoizer');
  if (f.executorSerializers) {
    const bySerializer: Record<string, Serializer> = {};
    for (const [label, e] of Object.entries(f.executorSerializers as Record<string, unknown>)) bySerializer[label] = await make<Serializer>(e, 'serializer');
    config.executorSerializers = bySerializer;
  }
  if (f.staging) config.staging = await Promise.all((f.staging as unknown[]).map((s) => make<Staging>(s, 'staging')));
  if (f.strategy !== undefined) config.strategy = typeof f.strategy === 'string' ? f.strategy : await make<Strategy>(f.strategy, 'strategy');
  for (const key of ['retries', 'retryHandler', 'runDir', 'name', 'strategyPeriod', 'logLevel', 'cleanupTimeout', 'checkpointMode', 'checkpointPeriod', 'checkpointFiles', 'memoizeFailures', 'usageTracking'] as const) {
    if (f[key] !== undefined) (config as Record<string, unknown>)[key] = f[key];
  }
  return config;
}

/** A plugin instance (made by `new`), as opposed to a plain-data plugin entry. */
function isInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || 'package' in value) return false;
  const proto = Object.getPrototypeOf(value);
  return proto !== Object.prototype && proto !== null;
}
