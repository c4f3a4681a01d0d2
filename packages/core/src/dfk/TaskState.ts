/**
 * The states of a task, as in Parsl. A task moves `unsched → pending → launched → running →
 * exec_done` on success, may go to `failed` or `dep_fail`, `memo_done` when its result came from
 * the memoizer, and `joining` while a join app waits for the futures it returned.
 *
 * `running_ended` is, as in Parsl, a monitoring-only state: Parsl's worker wrapper reports it when
 * the function returns, before the result reaches the DataFlowKernel. parsl-ts records that moment
 * as the try's end time in monitoring instead, so the kernel never moves a task to it; the name
 * stays so that state lists, databases and dashboards match Parsl's.
 *
 * @since 0.1.0
 */
export const TaskState = {
  unsched: 'unsched',
  pending: 'pending',
  launched: 'launched',
  running: 'running',
  running_ended: 'running_ended',
  joining: 'joining',
  exec_done: 'exec_done',
  memo_done: 'memo_done',
  failed: 'failed',
  dep_fail: 'dep_fail',
} as const;

/** One of the {@link TaskState} values. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** The states a task never leaves. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.exec_done, TaskState.memo_done, TaskState.failed, TaskState.dep_fail,
]);

/** Every state, in the order of a task's life; used for progress displays and summaries. */
export const ALL_STATES: readonly TaskState[] = Object.values(TaskState);
