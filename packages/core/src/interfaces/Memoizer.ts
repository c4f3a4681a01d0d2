import type { AppKind } from '../apps/AppDefinition.js';
import type { PluginManifest } from '../config/PluginManifest.js';
import type { Logger } from '../dfk/logger.js';
import type { SerializerRegistry } from '../serialization/SerializerRegistry.js';
import type { Serializer } from './Serializer.js';
import type { ShippedFunction } from './ShippedFunction.js';

/**
 * What a memoizer needs to know about a task to compute its key.
 *
 * @since 0.1.0
 */
export interface MemoizableTask {
  /** Task id. */
  readonly id: number;
  /** App name. */
  readonly appName: string;
  /** The app's function identity (its hash is part of the key). */
  readonly fn: ShippedFunction;
  /** Arguments, futures resolved. */
  readonly args: readonly unknown[];
  /** Argument names or indexes to leave out of the key. */
  readonly ignoreForCache: readonly (string | number)[];
  /** The app's kind (default `function`). @since 0.2.0 */
  readonly kind?: AppKind;
  /** SHA-256 of the app function's own source text (for by-reference apps, `fn.hash` is the whole module's). @since 0.2.0 */
  readonly sourceHash?: string;
}

/**
 * What the DataFlowKernel gives a memoizer when a run starts ({@link Memoizer.start}).
 *
 * @since 0.2.0
 */
export interface MemoizerContext {
  /** The run directory (`runinfo/NNN`); checkpoints go to its `checkpoint/` folder. */
  readonly runDir: string;
  /** Logger scoped to the memoizer. */
  readonly logger: Logger;
  /** The run's serializer, for results written to checkpoints. */
  readonly serializer: Serializer;
  /** Every serializer of the run, to read checkpoints written with another one. */
  readonly serializers: SerializerRegistry;
  /** Checkpoints of earlier runs to load (files or `checkpoint/` folders), from the config's `checkpointFiles`. */
  readonly checkpointFiles: readonly string[];
}

/**
 * Stores task results so that a task run again with the same function and arguments is not
 * re-executed (memoization), and writes checkpoints so that a restarted workflow skips work done
 * in earlier runs.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const key = memoizer.key(task);
 * const hit = await memoizer.lookup(key);
 * if (!hit.found) await memoizer.store(key, { ok: true, value: 42 });
 * ```
 */
export interface Memoizer {
  /**
   * Called once when the run starts, before any task: open storage and load `checkpointFiles`
   * (throwing a `CheckpointError` that names a corrupt or missing file). Optional.
   * @since 0.2.0
   */
  start?(context: MemoizerContext): Promise<void>;
  /** The key of a task, or undefined when it cannot be memoized. Throws a clear error for unhashable arguments. */
  key(task: MemoizableTask): string | undefined;
  /** A stored result for `key`. */
  lookup(key: string): Promise<{ found: false } | { found: true; outcome: MemoOutcome }>;
  /** Remember a task's outcome. */
  store(key: string, outcome: MemoOutcome): Promise<void>;
  /**
   * Make every outcome stored since the last checkpoint durable (the DataFlowKernel calls it as the
   * config's `checkpointMode` says, and for `dfk.checkpoint()`); resolves with the file written,
   * or undefined when there was nothing new. A crash while it runs must not damage earlier checkpoints.
   */
  checkpoint(): Promise<string | undefined>;
  /** Flush and release. */
  close(): Promise<void>;
  /** The manifest of the plugin that made this memoizer; `loadConfig` checks its core range. @since 0.2.0 */
  readonly manifest?: PluginManifest;
}

/**
 * A memoized outcome: the task's value, or (when the config memoizes failures) its error.
 *
 * @since 0.1.0
 */
export type MemoOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };
