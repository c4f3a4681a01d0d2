import { INVOCATION_KEYS } from '../apps/AppOptions.js';
import { isPlainObject } from '../dfk/dependencies.js';
import type { MemoizableTask } from '../interfaces/Memoizer.js';
import { canonicalWriterFor } from './hashArguments.js';

/**
 * Per-call options that change where or how a task runs, not what it computes: they are never
 * part of a memo key. (`inputs` and `outputs` are: a task that writes another file is another task.)
 */
const NOT_IN_KEY: ReadonlySet<string> = new Set(['stdout', 'stderr', 'walltime', 'resources', 'priority']);

/**
 * The memo key of a task: a SHA-256 hex digest of the app's identity and its arguments, stable
 * across processes, runs and machines (see docs/memoization.md for the exact recipe).
 *
 * - Identity: the app kind; for an app shipped by reference its module URL and export name, for
 *   one shipped by value nothing more; and in both cases the SHA-256 of the function's own source
 *   text, so that editing the function changes its keys.
 * - Arguments: every positional argument in order, through the canonical encoding of
 *   {@link hashValues}. Positions listed in `ignoreForCache` are left out (their place is kept).
 *   A last argument that is a plain object of options loses the keys listed in `ignoreForCache`,
 *   and per-call options `stdout`, `stderr`, `walltime`, `resources` and `priority` are never
 *   part of the key.
 *
 * Throws an `UnhashableArgumentError` (`PARSL_UNHASHABLE_ARGUMENT`) naming the argument that
 * cannot be hashed. Memoizer plugins call this so that every memoizer agrees on keys.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * const key = memoKey({ id: 1, appName: 'add', fn, args: [1, 2], ignoreForCache: [] });
 * ```
 */
export function memoKey(task: MemoizableTask): string {
  const writer = canonicalWriterFor(task.appName);
  const fn = task.fn;
  writer.text(task.kind ?? 'function');
  if (fn.mode === 'reference') {
    writer.text('reference');
    writer.text(fn.moduleUrl);
    writer.text(fn.exportName);
  } else {
    writer.text('value');
  }
  writer.text(task.sourceHash ?? fn.hash);

  const ignoredPositions = new Set<number>();
  const ignoredKeys = new Set<string>();
  for (const entry of task.ignoreForCache) {
    if (typeof entry === 'number') ignoredPositions.add(entry);
    else ignoredKeys.add(entry);
  }
  const args = task.args;
  const last = args.length - 1;
  writer.text(String(args.length));
  for (let i = 0; i < args.length; i++) {
    if (ignoredPositions.has(i)) {
      writer.skip();
      continue;
    }
    const arg = args[i];
    if (i === last && isPlainObject(arg) && (ignoredKeys.size > 0 || hasInvocationKey(arg))) {
      const options = arg as Record<string, unknown>;
      const invocation = hasInvocationKey(options);
      const kept: Record<string, unknown> = {};
      for (const key of Object.keys(options)) {
        if (ignoredKeys.has(key) || (invocation && NOT_IN_KEY.has(key))) continue;
        kept[key] = options[key];
      }
      writer.value(kept, `args[${i}]`);
      continue;
    }
    writer.value(arg, `args[${i}]`);
  }
  return writer.digest();
}

function hasInvocationKey(value: object): boolean {
  for (const key in value) if (INVOCATION_KEYS.has(key)) return true;
  return false;
}
