import type { Redirect } from '../interfaces/Executor.js';
import type { ResourceSpecification } from '../interfaces/ResourceSpecification.js';
import type { RetryHandler } from '../dfk/retry.js';

/**
 * How an app's function travels to workers.
 * - `auto` (default): by value when the function captures nothing, by reference otherwise.
 * - `value`: always by value; a function that captures local variables is rejected when the app is defined.
 * - `reference`: always by reference: the function must be exported from an importable module.
 *
 * @since 0.1.0
 */
export type ShipMode = 'auto' | 'value' | 'reference';

/**
 * Options given when an app is defined (`app(fn, options)`).
 *
 * @since 0.1.0
 */
export interface AppOptions {
  /** Name used in logs, errors and monitoring; defaults to the function's name. */
  name?: string;
  /** Labels of the executors the app may run on; `'all'` (default) means any. */
  executors?: readonly string[] | 'all';
  /** Memoize results (needs a memoizer in the config). */
  cache?: boolean;
  /** Argument positions (or option keys) left out of the memo key. */
  ignoreForCache?: readonly (string | number)[];
  /** How many times to retry a failed try (overrides the config). */
  retries?: number;
  /** Cost of each failure (overrides the config); see {@link RetryHandler}. */
  retryHandler?: RetryHandler;
  /** Kill the app after this many seconds (AppTimeout). */
  walltime?: number;
  /** What the app needs. */
  resources?: ResourceSpecification;
  /** Lower runs first. */
  priority?: number;
  /** How the function travels to workers. */
  ship?: ShipMode;
  /** The URL of the module that exports the app (for shipping by reference); detected when omitted. */
  module?: string;
  /** The name of the app's export in `module`; found automatically when omitted. */
  exportName?: string;
  /** Default stdout redirect for bash apps. */
  stdout?: Redirect | typeof AUTO_LOGNAME;
  /** Default stderr redirect for bash apps. */
  stderr?: Redirect | typeof AUTO_LOGNAME;
  /** Extra environment variables for bash apps. */
  env?: Readonly<Record<string, string>>;
}

/**
 * Use as `stdout` or `stderr` to have the file named automatically under the run directory
 * (`runinfo/NNN/task_logs/<app>-<tid>.stdout`), as Parsl's AUTO_LOGNAME.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const f = echo('hi', { stdout: AUTO_LOGNAME }); await f; console.log(f.stdout);
 * ```
 */
export const AUTO_LOGNAME: unique symbol = Symbol.for('parsl-ts.AUTO_LOGNAME') as never;

/**
 * The per-call options, recognized in an app's last argument when it is a plain object holding
 * any of these keys (as Parsl's special keyword arguments). The object is still passed to the
 * function, with `inputs` resolved to Files.
 *
 * @since 0.1.0
 */
export interface InvocationOptions {
  /** Input files (Files or DataFutures); the task waits for DataFutures. */
  inputs?: readonly unknown[];
  /** Output files the task produces; the future's `outputs` holds a DataFuture for each. */
  outputs?: readonly unknown[];
  /** Where a bash app's stdout goes. */
  stdout?: Redirect | typeof AUTO_LOGNAME;
  /** Where a bash app's stderr goes. */
  stderr?: Redirect | typeof AUTO_LOGNAME;
  /** Walltime for this call, in seconds. */
  walltime?: number;
  /** Resources for this call. */
  resources?: ResourceSpecification;
  /** Priority for this call. */
  priority?: number;
}

/** Keys that make a last argument an {@link InvocationOptions} object. */
export const INVOCATION_KEYS: ReadonlySet<string> = new Set(['inputs', 'outputs', 'stdout', 'stderr', 'walltime', 'resources', 'priority']);
