import { AppFuture } from '../futures/AppFuture.js';

const MAX_DEPTH = 32;

/**
 * Collect every future (AppFuture, DataFuture or any Promise) found in `value`: at the top level
 * or nested in arrays and plain objects. Class instances other than futures are not entered.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const deps: PromiseLike<unknown>[] = [];
 * collectFutures([a, { b }], deps); // deps = [a, b]
 * ```
 */
export function collectFutures(value: unknown, out: PromiseLike<unknown>[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  if (value instanceof Promise || AppFuture.isFuture(value)) {
    out.push(value as PromiseLike<unknown>);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectFutures(item, out, depth + 1);
    return;
  }
  if (isPlainObject(value)) {
    for (const key in value) collectFutures((value as Record<string, unknown>)[key], out, depth + 1);
  }
}

/**
 * A copy of `value` with every future replaced by its value (its File, for a DataFuture).
 * Containers without futures are returned as they are (no copy).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * replaceFutures([a, { b }], (f) => results.get(f)); // [1, { b: 2 }]
 * ```
 */
export function replaceFutures(value: unknown, valueOf: (future: PromiseLike<unknown>) => unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Promise || AppFuture.isFuture(value)) return valueOf(value as PromiseLike<unknown>);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const replaced = replaceFutures(item, valueOf, depth + 1);
      if (replaced !== item) {
        copy ??= value.slice();
        copy[i] = replaced;
      }
    }
    return copy ?? value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      const replaced = replaceFutures(item, valueOf, depth + 1);
      if (replaced !== item) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = replaced;
      }
    }
    return copy ?? value;
  }
  return value;
}

/**
 * True for `{}` literals and `Object.create(null)` objects.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
