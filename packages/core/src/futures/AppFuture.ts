import type { File } from '../data/File.js';
import type { TaskState } from '../dfk/TaskState.js';
import type { DataFuture } from './DataFuture.js';

const ignore = (): void => {};
const FUTURE_BRAND = Symbol.for('parsl-ts.AppFuture');
const NO_OUTPUTS: readonly DataFuture[] = Object.freeze([]);

/**
 * The future of an app invocation. It is a real `Promise` (await it, pass it to `Promise.all`)
 * with extra fields: the task id, its live state, the DataFutures of its output files and the
 * paths of its stdout/stderr files.
 *
 * `then`/`catch` return plain Promises, not AppFutures.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const f = add(1, 2);
 * console.log(f.tid, f.state); // 0 'pending'
 * console.log(await f);        // 3
 * ```
 */
export class AppFuture<T = unknown> extends Promise<T> {
  /** The task id, unique within its DataFlowKernel. */
  tid = -1;
  /** The app's name. */
  appName = '';
  /** The current state of the task. */
  state: TaskState = 'unsched';
  /** DataFutures for the task's `outputs` files, in order (one shared empty list when there are none). */
  outputs: readonly DataFuture[] = NO_OUTPUTS;
  /** Where the task's stdout goes (bash apps), if redirected. */
  stdout: string | undefined;
  /** Where the task's stderr goes (bash apps), if redirected. */
  stderr: string | undefined;
  /** The Promise's resolving functions (kept as fields, not closures, to keep futures small). */
  private resolveFn!: (value: T) => void;
  private rejectFn!: (error: unknown) => void;
  /** The settled outcome, kept so that dependants can read it without awaiting. @internal */
  outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;

  /** `then` and friends return plain Promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  constructor(executor?: (resolve: (value: T) => void, reject: (error: unknown) => void) => void) {
    let resolveFn!: (value: T) => void;
    let rejectFn!: (error: unknown) => void;
    super((resolve, reject) => {
      resolveFn = resolve as (value: T) => void;
      rejectFn = reject;
      executor?.(resolve as (value: T) => void, reject);
    });
    this.resolveFn = resolveFn;
    this.rejectFn = rejectFn;
    // A future settled by an outside executor function may reject at any time: mark it handled
    // now (see settleReject for the usual case).
    if (executor) Promise.prototype.then.call(this, undefined, ignore);
  }

  /** Resolve the future; owned by the DataFlowKernel. @internal */
  settleResolve(value: T): void {
    this.outcome = { ok: true, value };
    this.resolveFn(value);
  }

  /** Reject the future; owned by the DataFlowKernel. @internal */
  settleReject(error: unknown): void {
    this.outcome = { ok: false, error };
    // A failed task whose future nobody awaits is normal in a workflow (its dependants report
    // it): mark the future handled so Node does not abort on an unhandled rejection. Done here,
    // not at construction, so that futures that succeed carry no extra promise and reaction.
    Promise.prototype.then.call(this, undefined, ignore);
    this.rejectFn(error);
  }

  /** True once the task has a result or an error. */
  done(): boolean {
    return this.outcome !== undefined;
  }

  /** The error, if the task failed (undefined while running or after success). */
  exception(): unknown {
    return this.outcome && !this.outcome.ok ? this.outcome.error : undefined;
  }

  /** True for AppFutures and DataFutures, also from another copy of the module. */
  static isFuture(value: unknown): value is AppFuture<unknown> {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FUTURE_BRAND] === true;
  }

  /** The output Files of the task (not their futures). */
  outputFiles(): File[] {
    return this.outputs.map((d) => d.file);
  }
}

// The brand lives on the prototype: one property for all futures, not one per future.
Object.defineProperty(AppFuture.prototype, FUTURE_BRAND, { value: true, enumerable: false });
