/**
 * Follows one DataFlowKernel: its task counts by state, how fast tasks finish, and the first
 * failure. Renderers turn its {@link ProgressSnapshot}s into text.
 *
 * @module
 */
import type { DataFlowKernel, TaskEvent } from '@parsl-ts/core';

/**
 * What progress display needs from a DataFlowKernel (any copy of core).
 *
 * @since 0.1.0
 */
export type WatchedDataFlowKernel = Pick<DataFlowKernel, 'runDir' | 'runId' | 'counts' | 'onTaskEvent' | 'pendingTasks'>;

/**
 * Task states in the order of a task's life (as core's `ALL_STATES`).
 *
 * @since 0.1.0
 */
export const STATE_ORDER: readonly string[] = [
  'unsched', 'pending', 'launched', 'running', 'running_ended', 'joining', 'exec_done', 'memo_done', 'failed', 'dep_fail',
];
/**
 * Final states of a successful task.
 *
 * @since 0.1.0
 */
export const SUCCESS_STATES: readonly string[] = ['exec_done', 'memo_done'];
/**
 * Final states of a failed task.
 *
 * @since 0.1.0
 */
export const FAILURE_STATES: readonly string[] = ['failed', 'dep_fail'];
/**
 * States of tasks that are on an executor.
 *
 * @since 0.1.0
 */
export const ACTIVE_STATES: readonly string[] = ['launched', 'running', 'running_ended', 'joining'];

/**
 * A point-in-time view of one run's progress.
 *
 * @since 0.1.0
 */
export interface ProgressSnapshot {
  /** Short name of the run: its run directory, relative to the working directory. */
  readonly label: string;
  /** Tasks per state (states with no tasks included, as 0), in {@link STATE_ORDER}. */
  readonly states: ReadonlyArray<readonly [state: string, count: number]>;
  /** Tasks submitted so far. */
  readonly total: number;
  /** Tasks in a final state. */
  readonly done: number;
  /** Tasks that succeeded (exec_done + memo_done). */
  readonly succeeded: number;
  /** Tasks that failed (failed + dep_fail). */
  readonly failed: number;
  /** Tasks on an executor (launched, running, ...). */
  readonly active: number;
  /** Milliseconds since the run was first seen. */
  readonly elapsedMs: number;
  /** Tasks finished per second over the last few seconds. */
  readonly rate: number;
  /** Tasks finished per second since the run was first seen. */
  readonly averageRate: number;
  /** The first task failure, if any. */
  readonly firstFailure?: { readonly taskId: number; readonly appName: string; readonly message: string } | undefined;
}

const RATE_WINDOW_MS = 5000;

/**
 * Tracks one DataFlowKernel for a progress display. The task-event listener it attaches only
 * sets a flag and remembers the first failure, so it costs next to nothing per task.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const tracker = new RunTracker(dfk);
 * setInterval(() => console.error(tracker.snapshot().done), 1000).unref();
 * ```
 */
export class RunTracker {
  /** The DataFlowKernel followed. */
  readonly dfk: WatchedDataFlowKernel;
  /** Short name of the run (its run directory relative to `cwd`). */
  readonly label: string;
  /** `performance.now()` when tracking started. */
  readonly startedAt: number;
  /** True once {@link RunTracker.finish} was called. */
  finished = false;
  /** Set by every task event; cleared by {@link RunTracker.snapshot}. */
  changed = true;

  private readonly samples: { t: number; done: number }[] = [];
  /** Tasks already finished when tracking started (they do not count towards the rates). */
  private readonly doneAtStart: number;
  private firstFailure: ProgressSnapshot['firstFailure'];
  private readonly detach: () => void;
  private readonly now: () => number;

  constructor(dfk: WatchedDataFlowKernel, options: { cwd?: string; now?: () => number } = {}) {
    this.dfk = dfk;
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.label = shortPath(dfk.runDir, options.cwd ?? process.cwd());
    this.doneAtStart = finishedCount(dfk.counts() as unknown as Record<string, number>);
    this.samples.push({ t: this.startedAt, done: this.doneAtStart });
    this.detach = dfk.onTaskEvent((event: TaskEvent) => {
      this.changed = true;
      if (this.firstFailure === undefined && (event.to === 'failed' || event.to === 'dep_fail') && event.error !== undefined) {
        this.firstFailure = { taskId: event.taskId, appName: event.appName, message: errorText(event.error) };
      }
    });
  }

  /** The current counts, rates and first failure. */
  snapshot(): ProgressSnapshot {
    const counts = this.dfk.counts() as unknown as Record<string, number> & { submitted: number };
    this.changed = false;
    const keys = [...STATE_ORDER, ...Object.keys(counts).filter((k) => k !== 'submitted' && !STATE_ORDER.includes(k))];
    const states = keys.map((k) => [k, counts[k] ?? 0] as const);
    const sum = (list: readonly string[]): number => list.reduce((n, k) => n + (counts[k] ?? 0), 0);
    const succeeded = sum(SUCCESS_STATES);
    const failed = sum(FAILURE_STATES);
    const done = succeeded + failed;
    const now = this.now();
    const elapsedMs = now - this.startedAt;
    this.samples.push({ t: now, done });
    while (this.samples.length > 2 && now - this.samples[0]!.t > RATE_WINDOW_MS) this.samples.shift();
    const oldest = this.samples[0]!;
    const averageRate = elapsedMs > 0 ? ((done - this.doneAtStart) * 1000) / elapsedMs : 0;
    const span = now - oldest.t;
    const rate = span >= 500 ? ((done - oldest.done) * 1000) / span : averageRate;
    return {
      label: this.label, states, total: counts.submitted, done, succeeded, failed, active: sum(ACTIVE_STATES),
      elapsedMs, rate, averageRate, firstFailure: this.firstFailure,
    };
  }

  /** Stop listening to the DataFlowKernel and return the final snapshot. */
  finish(): ProgressSnapshot {
    this.finished = true;
    this.detach();
    return this.snapshot();
  }
}

function finishedCount(counts: Record<string, number>): number {
  return [...SUCCESS_STATES, ...FAILURE_STATES].reduce((n, k) => n + (counts[k] ?? 0), 0);
}

function shortPath(path: string, cwd: string): string {
  if (path.startsWith(`${cwd}/`)) return path.slice(cwd.length + 1);
  return path;
}

function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const first = message.split('\n')[0] ?? '';
  return typeof e?.code === 'string' ? `[${e.code}] ${first}` : `${typeof e?.name === 'string' ? `${e.name}: ` : ''}${first}`;
}
