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
  /** The key of a task, or undefined when it cannot be memoized. Throws a clear error for unhashable arguments. */
  key(task: MemoizableTask): string | undefined;
  /** A stored result for `key`. */
  lookup(key: string): Promise<{ found: false } | { found: true; outcome: MemoOutcome }>;
  /** Remember a task's outcome. */
  store(key: string, outcome: MemoOutcome): Promise<void>;
  /** Write a checkpoint now (`dfk.checkpoint()`); resolves with the file written, if any. */
  checkpoint(): Promise<string | undefined>;
  /** Flush and release. */
  close(): Promise<void>;
}

/** A memoized outcome. */
export type MemoOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };
