import type { TaskCounts } from '../api/types.js';

/** States a task never leaves, split by outcome (as core's FINAL_STATES). */
export const DONE_STATES: readonly string[] = ['exec_done', 'memo_done'];
/** Final states that are failures. */
export const FAILED_STATES: readonly string[] = ['failed', 'dep_fail'];

/**
 * Every task state in the order of a task's life (core's ALL_STATES), for stable series and
 * column order; states the dashboard does not know sort after these.
 */
export const STATE_ORDER: readonly string[] = [
  'unsched', 'pending', 'launched', 'running', 'running_ended', 'joining', 'exec_done', 'memo_done', 'failed', 'dep_fail',
];

/** Sort key of a state name. */
export function stateRank(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i === -1 ? STATE_ORDER.length : i;
}

/** Build {@link TaskCounts} from `state → count` pairs. */
export function taskCounts(pairs: Iterable<readonly [string, number]>): TaskCounts {
  const byState: Record<string, number> = {};
  let total = 0;
  let done = 0;
  let failed = 0;
  for (const [state, count] of [...pairs].sort((a, b) => stateRank(a[0]) - stateRank(b[0]))) {
    if (count <= 0) continue;
    byState[state] = (byState[state] ?? 0) + count;
    total += count;
    if (DONE_STATES.includes(state)) done += count;
    else if (FAILED_STATES.includes(state)) failed += count;
  }
  return { total, byState, done, failed, active: total - done - failed };
}
