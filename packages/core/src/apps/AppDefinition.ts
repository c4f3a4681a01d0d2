import type { AppFuture } from '../futures/AppFuture.js';
import type { ShippedFunction } from '../interfaces/ShippedFunction.js';
import type { AppOptions, InvocationOptions } from './AppOptions.js';

/** What kind of app: a function, a command line, or a join app that returns futures. */
export type AppKind = 'function' | 'bash' | 'join';

/**
 * Everything the DataFlowKernel needs to know about an app. Held by the callable returned by
 * `app`, `bashApp` and `joinApp` (its `definition` field).
 *
 * @since 0.1.0
 */
export interface AppDefinition {
  /** The kind of app. */
  readonly kind: AppKind;
  /** The app's name. */
  readonly name: string;
  /** The user's function. */
  readonly fn: (...args: never[]) => unknown;
  /** Options given at definition. */
  readonly options: Readonly<AppOptions>;
  /** The function's source text. */
  readonly source: string;
  /** Variables the function captures (empty when self-contained). */
  readonly freeVariables: readonly string[];
  /** The module the app was defined in, when known. */
  readonly moduleUrl: string | undefined;
  /** Resolve how the function travels (cached after the first call). */
  shipped(app: unknown): Promise<ShippedFunction>;
}

/**
 * An argument may be given as its value or as a future (or any Promise) of it — also inside
 * arrays, tuples and plain objects, which the DataFlowKernel searches for futures.
 *
 * @since 0.1.0
 */
export type FutureOr<T> =
  | T
  | PromiseLike<T>
  | (T extends (...args: never[]) => unknown ? never
    : T extends readonly unknown[] ? { [K in keyof T]: FutureOr<T[K]> }
    : T extends object ? { [K in keyof T]: FutureOr<T[K]> }
    : never);

/**
 * The callable an app definition returns: call it to submit a task; it returns an AppFuture.
 *
 * @since 0.1.0
 */
export type App<A extends unknown[], R> = {
  /** Call with the function's arguments plus per-call options (stdout, stderr, walltime, ...) it does not declare. */
  (...args: [...{ [K in keyof A]: FutureOr<A[K]> }, InvocationOptions]): AppFuture<R>;
  /** Call with the function's arguments; any of them may be futures. */
  (...args: { [K in keyof A]: FutureOr<A[K]> }): AppFuture<R>;
  /** The app's definition. */
  readonly definition: AppDefinition;
};

const APP_BRAND = Symbol.for('parsl-ts.App');

/**
 * True for a callable made by `app`, `bashApp` or `joinApp` (also from another module copy).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * isApp(app((x: number) => x)); // true
 * ```
 */
export function isApp(value: unknown): value is App<unknown[], unknown> {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[APP_BRAND] === true;
}

/** Brand a callable as an app. @internal */
export function brandApp(callable: object): void {
  Object.defineProperty(callable, APP_BRAND, { value: true, enumerable: false });
}
