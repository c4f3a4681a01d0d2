/**
 * When the DataFlowKernel writes checkpoints (Parsl's `checkpoint_mode`):
 * - `taskExit`: after every task of a `cache: true` app completes; its future settles only once
 *   its outcome is on disk.
 * - `periodic`: every `checkpointPeriod`, and once more at cleanup.
 * - `dfkExit`: once, at `dfk.cleanup()`.
 * - `manual`: only when you call `dfk.checkpoint()`.
 *
 * Without a mode, results are memoized within the run only.
 *
 * @since 0.2.0
 */
export type CheckpointMode = 'taskExit' | 'periodic' | 'dfkExit' | 'manual';

/** Every checkpoint mode. */
export const CHECKPOINT_MODES: readonly CheckpointMode[] = ['taskExit', 'periodic', 'dfkExit', 'manual'];

/** The default `checkpointPeriod`: 30 minutes, as Parsl's. */
export const DEFAULT_CHECKPOINT_PERIOD_SECONDS = 1800;

/**
 * Seconds in a `checkpointPeriod`: a positive number of seconds, or `"HH:MM:SS"` as Parsl writes
 * it. Undefined when the value is neither.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * checkpointPeriodSeconds('00:10:00'); // 600
 * ```
 */
export function checkpointPeriodSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const match = /^(\d+):([0-5]\d):([0-5]\d)$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return seconds > 0 ? seconds : undefined;
}
