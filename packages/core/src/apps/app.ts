import type { App } from './AppDefinition.js';
import type { AppOptions } from './AppOptions.js';
import { defineApp } from './defineApp.js';

/**
 * Make a JS/TS function an app: calling it submits a task and returns an AppFuture at once.
 * Arguments may be futures (also inside arrays and plain objects): the task runs when they are
 * done, with their values. The function runs on a worker, so it must be self-contained (it is
 * then shipped by value) or exported from a module (shipped by reference).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * export const add = app((a: number, b: number) => a + b);
 * const sum = add(add(1, 2), 3);
 * console.log(await sum); // 6
 * ```
 */
export function app<A extends unknown[], R>(fn: (...args: A) => R, options?: AppOptions): App<A, Awaited<R>> {
  return defineApp<A, Awaited<R>>('function', fn, options);
}
