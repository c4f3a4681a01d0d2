import type { AppFuture } from '../futures/AppFuture.js';
import type { App, AppDefinition } from '../apps/AppDefinition.js';
import { ErrorCodes } from '../errors/codes.js';
import { UsageError } from '../errors/usageErrors.js';

/**
 * What apps need from a DataFlowKernel: a way to submit a call.
 *
 * @since 0.1.0
 */
export interface TaskSubmitter {
  /** Submit one call of an app. */
  submit(definition: AppDefinition, app: App<unknown[], unknown>, args: unknown[]): AppFuture<unknown>;
}

const KEY = Symbol.for('parsl-ts.current-dfk');
const CLOSED_KEY = Symbol.for('parsl-ts.current-dfk-closed');
const slot = globalThis as unknown as Record<symbol, TaskSubmitter | undefined>;

/**
 * The DataFlowKernel apps submit to when they are called (set by `loadConfig`, cleared by `cleanup`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * currentDataFlowKernel(); // throws PARSL_NO_DFK before loadConfig()
 * ```
 */
export function currentDataFlowKernel(): TaskSubmitter {
  const dfk = slot[KEY];
  if (!dfk && (globalThis as unknown as Record<symbol, boolean>)[CLOSED_KEY]) {
    throw new UsageError(ErrorCodes.DataFlowKernelClosed, 'an app was called after the DataFlowKernel was cleaned up', {
      hint: 'call apps before `dfk.cleanup()`, or load a new config with `await loadConfig(config)`',
    });
  }
  if (!dfk) {
    throw new UsageError(ErrorCodes.NoDataFlowKernel, 'an app was called, but no DataFlowKernel is loaded', {
      hint: 'call `await loadConfig(config)` before calling apps (and do not call apps after `dfk.cleanup()`)',
    });
  }
  return dfk;
}

/** Set or clear the current DataFlowKernel. @internal */
export function setCurrentDataFlowKernel(dfk: TaskSubmitter | undefined): void {
  // Remember that a DataFlowKernel was closed, so a late app call gets the precise error.
  (globalThis as unknown as Record<symbol, boolean>)[CLOSED_KEY] = dfk === undefined && slot[KEY] !== undefined;
  slot[KEY] = dfk;
}

/** The current DataFlowKernel, or undefined. @internal */
export function peekCurrentDataFlowKernel(): TaskSubmitter | undefined {
  return slot[KEY];
}
