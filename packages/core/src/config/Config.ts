import type { Executor } from '../interfaces/Executor.js';
import type { Memoizer } from '../interfaces/Memoizer.js';
import type { Monitoring } from '../interfaces/Monitoring.js';
import type { PluginDescriptor, Serializer } from '../interfaces/Serializer.js';
import type { Staging } from '../interfaces/Staging.js';
import type { Strategy } from '../interfaces/Strategy.js';
import type { LogLevel } from '../dfk/logger.js';
import type { CheckpointMode } from '../memo/checkpointMode.js';
import type { RetryHandler } from '../dfk/retry.js';
import type { UsageTrackingOptions } from '../usage/UsageTracker.js';

/**
 * A parsl-ts configuration, composed from plugin instances. Every field has a default, so
 * `loadConfig({})` runs on the embedded default: a thread pool on this machine and msgpack.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({
 *   executors: [new ThreadPoolExecutor({ label: 'local', maxThreads: 4 })],
 *   retries: 2,
 * });
 * ```
 */
export interface Config {
  /** Where tasks run. Default: `@parsl-ts/executor-threads` with one thread per core. */
  executors?: readonly Executor[];
  /** How tasks and results travel. Default: `@parsl-ts/serializer-msgpack`. */
  serializer?: Serializer;
  /** Extra serializers workers may need to decode payloads. */
  serializers?: readonly Serializer[];
  /** Retries for every app (apps may override). Default 0. */
  retries?: number;
  /** Cost of a failure for every app (apps may override). */
  retryHandler?: RetryHandler;
  /** Parent of the run directories. Default `./runinfo`. */
  runDir?: string;
  /** Name of the workflow (monitoring, logs). Default: the script name. */
  name?: string;
  /** Monitoring hub; none by default. */
  monitoring?: Monitoring;
  /** Memoizer for apps with `cache: true`. Default: core's `FileMemoizer` (in memory, checkpoints as files). */
  memoizer?: Memoizer;
  /** When checkpoints are written (see {@link CheckpointMode}). Default: never (memoization within the run only). */
  checkpointMode?: CheckpointMode;
  /** For `checkpointMode: 'periodic'`: seconds, or `"HH:MM:SS"`. Default 30 minutes. */
  checkpointPeriod?: number | string;
  /** Checkpoints of earlier runs to load: files, or `runinfo/NNN/checkpoint` folders (`getLastCheckpoint()`, `getAllCheckpoints()`). */
  checkpointFiles?: readonly string[];
  /** Memoize (and checkpoint) tasks that failed, so a rerun fails them again without running them. Default false. */
  memoizeFailures?: boolean;
  /**
   * A serializer per executor label, overriding `serializer` for that executor's tasks and
   * results (e.g. a proxy serializer for the executor that gets large arguments).
   */
  executorSerializers?: Readonly<Record<string, Serializer>>;
  /** Staging providers for non-file URLs. */
  staging?: readonly Staging[];
  /**
   * Block-scaling strategy for executors that take a provider. Default `simple`. Idle time before
   * scale-in is each executor's `maxIdleTime` (default 120 s), or `simpleStrategy({ maxIdleTime })`.
   */
  strategy?: Strategy | 'none' | 'simple' | 'htexAutoScale';
  /** Seconds between strategy runs. Default 5. */
  strategyPeriod?: number;
  /** Level of the run log (runinfo/NNN/parsl.log). Default `info`. */
  logLevel?: LogLevel;
  /** Bound for `cleanup()`, in seconds. Default 30. */
  cleanupTimeout?: number;
  /**
   * Opt-in anonymized usage tracking (off by default): `true`, or `{ endpoint: "host:port" }`.
   * What is sent is listed field by field in docs/usage-tracking.md; `PARSL_TS_USAGE_TRACKING=0`
   * turns it off whatever the config says.
   */
  usageTracking?: boolean | UsageTrackingOptions;
}

/**
 * A config as a file holds it (`parsl.config.json`, or the default export of `parsl.config.ts`):
 * plugins named by package, with plain-data options.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "executors": [{ "package": "@parsl-ts/executor-threads", "options": { "label": "local", "maxThreads": 2 } }],
 *   "retries": 1 }
 * ```
 */
export interface ConfigFile {
  /** Executors by package. */
  executors?: readonly PluginDescriptor[];
  /** Serializer by package. */
  serializer?: PluginDescriptor;
  /** Monitoring by package. */
  monitoring?: PluginDescriptor;
  /** Memoizer by package. */
  memoizer?: PluginDescriptor;
  /** Serializer per executor label, by package. */
  executorSerializers?: Readonly<Record<string, PluginDescriptor>>;
  /** See {@link Config.checkpointMode}. */
  checkpointMode?: CheckpointMode;
  /** See {@link Config.checkpointPeriod}. */
  checkpointPeriod?: number | string;
  /** See {@link Config.checkpointFiles}. */
  checkpointFiles?: readonly string[];
  /** See {@link Config.memoizeFailures}. */
  memoizeFailures?: boolean;
  /** Staging providers by package. */
  staging?: readonly PluginDescriptor[];
  /** Strategy by name or package. */
  strategy?: 'none' | 'simple' | 'htexAutoScale' | PluginDescriptor;
  /** Plain fields as in {@link Config}. */
  retries?: number;
  /** See {@link Config.runDir}. */
  runDir?: string;
  /** See {@link Config.name}. */
  name?: string;
  /** See {@link Config.strategyPeriod}. */
  strategyPeriod?: number;
  /** See {@link Config.logLevel}. */
  logLevel?: LogLevel;
  /** See {@link Config.cleanupTimeout}. */
  cleanupTimeout?: number;
  /** See {@link Config.usageTracking}. */
  usageTracking?: boolean | UsageTrackingOptions;
}
