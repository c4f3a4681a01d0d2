import type { AppFuture } from '../futures/AppFuture.js';
import type { App } from './AppDefinition.js';
import type { AppOptions } from './AppOptions.js';
import { defineApp } from './defineApp.js';

/** The value a join app's future resolves to. */
export type JoinResult<R> = R extends readonly PromiseLike<infer U>[] ? U[]
  : R extends PromiseLike<infer U> ? (U extends readonly PromiseLike<infer V>[] ? V[] : U)
  : never;

/**
 * Make a join app: a function that runs in the submitting process (not on a worker), launches
 * other apps and returns their future or a list of futures. Its own future resolves when those
 * do, to the inner result (or the list of results, in order).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const fanOut = joinApp((n: number) => Array.from({ length: n }, (_, i) => square(i)));
 * console.log(await fanOut(4)); // [0, 1, 4, 9]
 * ```
 */
export function joinApp<A extends unknown[], R extends AppFuture<unknown> | PromiseLike<unknown> | readonly PromiseLike<unknown>[]>(
  fn: (...args: A) => R, options?: AppOptions,
): App<A, JoinResult<R>> {
  return defineApp<A, JoinResult<R>>('join', fn, options);
}
