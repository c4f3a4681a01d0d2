import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '../errors/codes.js';
import { ParslError } from '../errors/ParslError.js';
import { ConfigError, UsageError } from '../errors/usageErrors.js';
import type { Executor } from '../interfaces/Executor.js';
import type { Serializer } from '../interfaces/Serializer.js';
import { DataFlowKernel, scriptName, type DataFlowKernelParts } from '../dfk/DataFlowKernel.js';
import { createRunLogger, type Logger } from '../dfk/logger.js';
import { defaultRetryHandler } from '../dfk/retry.js';
import { makeRunDir } from '../dfk/runDir.js';
import { isStrategyChoice, resolveStrategy, STRATEGY_NAMES } from '../scaling/resolveStrategy.js';
import { inWorkerContext } from '../apps/defineApp.js';
import { jsonSerializer } from '../serialization/jsonSerializer.js';
import { isStagingProvider } from '../staging/StagingManager.js';
import { CHECKPOINT_MODES, checkpointPeriodSeconds, DEFAULT_CHECKPOINT_PERIOD_SECONDS } from '../memo/checkpointMode.js';
import { FileMemoizer } from '../memo/FileMemoizer.js';
import type { Config } from './Config.js';
import { assertSingleCore } from './duplicateCore.js';
import { importFrom } from './importFrom.js';
import { instantiatePlugin, loadedPlugins, pluginNotice, registerPlugin, setPluginNoticeHandler } from './pluginLoader.js';
import { UsageTracker, usageTrackingSettings } from '../usage/UsageTracker.js';

/** The package of the embedded default executor. */
export const DEFAULT_EXECUTOR_PACKAGE = '@parsl-ts/executor-threads';
/** The package of the default serializer. */
export const DEFAULT_SERIALIZER_PACKAGE = '@parsl-ts/serializer-msgpack';

/**
 * Check a config and fill in its defaults without starting anything. Every problem is collected
 * and thrown together as one ConfigError (its `problems` field lists each with its path and hint),
 * so `parsl-ts config check` can show them all.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const resolved = await resolveConfig({ retries: -1 }); // throws ConfigError: retries: must be ...
 * ```
 */
export async function resolveConfig(config: Config, baseDir: string = process.cwd()): Promise<Required<Pick<Config, 'executors' | 'serializer'>> & Config> {
  const problems: ConfigError[] = [];
  const check = (ok: boolean, path: string, message: string, hint: string): void => {
    if (!ok) problems.push(new ConfigError(message, { path, hint }));
  };
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError('the config must be an object', { hint: 'pass loadConfig({}) for the defaults' });
  }
  if (config.retries !== undefined) check(Number.isInteger(config.retries) && config.retries >= 0, 'retries', `must be a whole number >= 0, got ${String(config.retries)}`, 'set retries: 0 for no retries');
  if (config.retryHandler !== undefined) check(typeof config.retryHandler === 'function', 'retryHandler', 'must be a function (error, context) => cost', 'see the RetryHandler docs');
  if (config.cleanupTimeout !== undefined) check(typeof config.cleanupTimeout === 'number' && config.cleanupTimeout > 0, 'cleanupTimeout', 'must be a positive number of seconds', 'the default is 30');
  if (config.runDir !== undefined) check(typeof config.runDir === 'string' && config.runDir.length > 0, 'runDir', 'must be a non-empty path', "the default is './runinfo'");
  if (config.strategy !== undefined) check(isStrategyChoice(config.strategy), 'strategy', `unknown strategy ${typeof config.strategy === 'string' ? `"${config.strategy}"` : String(config.strategy)}`, `use ${STRATEGY_NAMES.map((n) => `'${n}'`).join(', ')}, or an object with a strategize(executors) method`);
  if (config.strategyPeriod !== undefined) check(typeof config.strategyPeriod === 'number' && Number.isFinite(config.strategyPeriod) && config.strategyPeriod > 0, 'strategyPeriod', 'must be a positive number of seconds', 'the default is 5');
  if (config.checkpointMode !== undefined) check(CHECKPOINT_MODES.includes(config.checkpointMode), 'checkpointMode', `unknown mode ${JSON.stringify(config.checkpointMode)}`, `use ${CHECKPOINT_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (config.checkpointPeriod !== undefined) check((typeof config.checkpointPeriod === 'number' || typeof config.checkpointPeriod === 'string') && checkpointPeriodSeconds(config.checkpointPeriod) !== undefined, 'checkpointPeriod', `must be a positive number of seconds or "HH:MM:SS", got ${JSON.stringify(config.checkpointPeriod)}`, "write checkpointPeriod: 600 or '00:10:00'");
  if (config.checkpointPeriod !== undefined && config.checkpointMode !== 'periodic') check(false, 'checkpointPeriod', `is only used with checkpointMode 'periodic', but checkpointMode is ${JSON.stringify(config.checkpointMode ?? null)}`, "set checkpointMode: 'periodic', or remove checkpointPeriod");
  if (config.checkpointFiles !== undefined) check(Array.isArray(config.checkpointFiles) && config.checkpointFiles.every((f) => typeof f === 'string' && f.length > 0), 'checkpointFiles', 'must be a list of paths', 'pass getLastCheckpoint() or getAllCheckpoints(), or list checkpoint files and folders');
  if (config.memoizeFailures !== undefined) check(typeof config.memoizeFailures === 'boolean', 'memoizeFailures', 'must be true or false', 'remove it for the default (false)');
  if (config.memoizer !== undefined) {
    const m = config.memoizer as unknown as Record<string, unknown> | null;
    check(typeof m === 'object' && m !== null && ['key', 'lookup', 'store', 'checkpoint', 'close'].every((k) => typeof m[k] === 'function'), 'memoizer', 'is not a memoizer (needs key, lookup, store, checkpoint, close)', 'use new FileMemoizer(), or a memoizer plugin such as @parsl-ts/memoizer-sqlite');
  }
  try {
    usageTrackingSettings(config.usageTracking);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(error);
    else throw error;
  }
  if (config.logLevel !== undefined) check(['trace', 'debug', 'info', 'warn', 'error', 'silent'].includes(config.logLevel), 'logLevel', `unknown level ${String(config.logLevel)}`, 'use trace, debug, info, warn, error or silent');
  let executors = config.executors;
  if (executors !== undefined) {
    check(Array.isArray(executors) && executors.length > 0, 'executors', 'must be a non-empty list', 'leave it out for the default thread pool, or list executor instances');
    const seen = new Set<string>();
    (Array.isArray(executors) ? executors : []).forEach((executor: Executor, i) => {
      const valid = typeof executor === 'object' && executor !== null && typeof executor.submit === 'function' && typeof executor.start === 'function' && typeof executor.label === 'string';
      check(valid, `executors[${i}]`, 'is not an executor (needs label, start, submit, shutdown)', 'create it with an executor plugin, e.g. new ThreadPoolExecutor({ label: "local" })');
      if (valid) {
        check(!seen.has(executor.label), `executors[${i}].label`, `label "${executor.label}" is used twice`, 'give every executor a unique label');
        seen.add(executor.label);
      }
    });
  }
  if (config.staging !== undefined) {
    check(Array.isArray(config.staging), 'staging', 'must be a list of staging providers', 'write staging: [new HttpStaging()] (see docs/staging.md)');
    (Array.isArray(config.staging) ? config.staging : []).forEach((provider: unknown, i) => check(isStagingProvider(provider), `staging[${i}]`,
      'is not a staging provider (needs name, canStageIn, canStageOut)', 'create it with a staging plugin, e.g. new HttpStaging() from @parsl-ts/staging-http'));
  }
  if (config.executorSerializers !== undefined) {
    const isMap = typeof config.executorSerializers === 'object' && config.executorSerializers !== null && !Array.isArray(config.executorSerializers);
    check(isMap, 'executorSerializers', 'must map executor labels to serializers', 'write executorSerializers: { htex: proxySerializer({ ... }) }');
    const entries = isMap ? Object.entries(config.executorSerializers) : [];
    const labels = new Set((executors ?? []).map((e) => e?.label));
    if (executors === undefined) labels.add('local');
    for (const [label, serializer] of entries) {
      check(labels.has(label), `executorSerializers.${label}`, `names executor "${label}", which the config does not have`, `use one of the executor labels: ${[...labels].map((l) => `"${l}"`).join(', ')}`);
      check(typeof serializer === 'object' && serializer !== null && typeof serializer.serialize === 'function' && typeof serializer.deserialize === 'function' && typeof serializer.id === 'string',
        `executorSerializers.${label}`, 'is not a serializer (needs id, serialize, deserialize, descriptor)', 'create it with a serializer plugin');
    }
  }
  if (problems.length > 0) throw combine(problems);
  // Instances made with `new` are checked against the running core like plugins loaded by name.
  for (const instance of [...(executors ?? []), ...(config.serializer ? [config.serializer] : []), ...Object.values(config.executorSerializers ?? {}), ...(config.memoizer ? [config.memoizer] : []), ...(config.monitoring ? [config.monitoring] : [])]) {
    if (instance.manifest) registerPlugin(instance.manifest);
  }
  executors ??= [await instantiatePlugin<Executor>({ package: DEFAULT_EXECUTOR_PACKAGE, options: { label: 'local', maxThreads: availableParallelism() } }, 'executor', (s) => importFrom(s, baseDir))];
  const serializer = config.serializer ?? await defaultSerializer(baseDir);
  return { ...config, executors, serializer };
}

/**
 * Load a config: check it, start its executors and monitoring, create the run directory, and make
 * the new DataFlowKernel the one apps submit to. Call `dfk.cleanup()` when done.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ retries: 1 });
 * try { console.log(await myApp(1)); } finally { await dfk.cleanup(); }
 * ```
 */
export async function loadConfig(config: Config = {}): Promise<DataFlowKernel> {
  if (inWorkerContext()) {
    throw new UsageError(ErrorCodes.WorkerSideEffect, 'loadConfig() was called inside a worker, while it imported an app module by reference', {
      hint: 'move the workflow (loadConfig and the calls) out of the module that defines the apps, or guard it with `if (import.meta.url === `file://${process.argv[1]}`)`',
    });
  }
  assertSingleCore();
  const resolved = await resolveConfig(config);
  const runDir = makeRunDir(resolved.runDir ?? 'runinfo');
  const { logger, close } = await createRunLogger(join(runDir, 'parsl.log'), resolved.logLevel ?? 'info');
  const noticeHandler = (message: string): void => { logger.warn(message); };
  setPluginNoticeHandler(noticeHandler);
  const strategy = resolveStrategy(resolved.strategy, { logger: logger.child({ component: 'strategy' }) });
  const usage = startUsageTracking(resolved.usageTracking, logger);
  const parts: DataFlowKernelParts = {
    executors: resolved.executors,
    serializer: resolved.serializer,
    serializers: resolved.serializers ?? [],
    retries: resolved.retries ?? 0,
    retryHandler: resolved.retryHandler ?? defaultRetryHandler,
    runDir,
    name: resolved.name ?? scriptName(),
    logger,
    closeLogger: close,
    monitoring: resolved.monitoring,
    ...(resolved.staging ? { staging: resolved.staging } : {}),
    memoizer: resolved.memoizer ?? new FileMemoizer(),
    memo: {
      mode: resolved.checkpointMode,
      periodSeconds: resolved.checkpointPeriod === undefined ? DEFAULT_CHECKPOINT_PERIOD_SECONDS : checkpointPeriodSeconds(resolved.checkpointPeriod)!,
      files: resolved.checkpointFiles ?? [],
      memoizeFailures: resolved.memoizeFailures ?? false,
    },
    ...(resolved.executorSerializers ? { executorSerializers: resolved.executorSerializers } : {}),
    cleanupTimeoutSeconds: resolved.cleanupTimeout ?? 30,
    strategy,
    strategyPeriod: resolved.strategyPeriod ?? 5,
    releaseNotices: () => setPluginNoticeHandler(undefined),
    ...(usage ? { usage } : {}),
    configSummary: {
      executors: resolved.executors.map((e) => ({ label: e.label, kind: e.kind, ...(e.options ? { options: e.options } : {}) })),
      serializer: resolved.serializer.id, retries: resolved.retries ?? 0,
      ...(resolved.executorSerializers ? { executorSerializers: Object.fromEntries(Object.entries(resolved.executorSerializers).map(([l, s]) => [l, s.id])) } : {}),
      ...(resolved.checkpointMode ? { checkpointMode: resolved.checkpointMode } : {}),
      strategy: strategy.name, strategyPeriod: resolved.strategyPeriod ?? 5,
    },
  };
  const dfk = await DataFlowKernel.start(parts);
  if (usage) {
    usage.start({ plugins: loadedPlugins(), executors: resolved.executors });
    dfk.onTaskEvent(usage.onTaskEvent);
  }
  return dfk;
}

/** The usage tracker of a run, when the config (or the environment) turned it on and says where to send. */
function startUsageTracking(value: Config['usageTracking'], logger: Logger): UsageTracker | undefined {
  const settings = usageTrackingSettings(value);
  if (!settings.enabled) return undefined;
  if (settings.endpoint === undefined) {
    logger.warn('usage tracking is on, but no endpoint is set (usageTracking.endpoint or PARSL_TS_USAGE_ENDPOINT): nothing is sent');
    return undefined;
  }
  const { host, port } = settings.endpoint;
  logger.info({ endpoint: `${host}:${port}` }, 'usage tracking is on: anonymized versions, plugins and task counts are sent over UDP (docs/usage-tracking.md)');
  return new UsageTracker(settings.endpoint, (error) => logger.debug({ err: error }, 'usage tracking: a datagram could not be sent'));
}

async function defaultSerializer(baseDir: string): Promise<Serializer> {
  try {
    return await instantiatePlugin<Serializer>({ package: DEFAULT_SERIALIZER_PACKAGE }, 'serializer', (s) => importFrom(s, baseDir));
  } catch (error) {
    if (error instanceof ParslError && error.code === ErrorCodes.PluginLoad) {
      pluginNotice(`${DEFAULT_SERIALIZER_PACKAGE} could not be loaded (${error.message}); using core's json serializer, which is slower`);
      return jsonSerializer();
    }
    throw error;
  }
}

function combine(problems: ConfigError[]): ConfigError {
  if (problems.length === 1) return problems[0]!;
  const error = new ConfigError(`the config has ${problems.length} problems:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, {
    hint: problems.map((p) => p.hint).filter(Boolean).join('; '),
  });
  (error as ConfigError & { problems: ConfigError[] }).problems = problems;
  return error;
}
