// Colours and labels of task states, the same in every chart, badge and filter.

/** Every state in the order of a task's life. */
export const STATE_ORDER = ['unsched', 'pending', 'launched', 'running', 'running_ended', 'joining', 'exec_done', 'memo_done', 'failed', 'dep_fail'];

const COLORS: Record<string, string> = {
  unsched: '#94a3b8',
  pending: '#a78bfa',
  launched: '#7dd3fc',
  running: '#3b82f6',
  running_ended: '#06b6d4',
  joining: '#f59e0b',
  exec_done: '#22c55e',
  memo_done: '#84cc16',
  failed: '#ef4444',
  dep_fail: '#f97316',
};

/** The colour of a state. */
export function stateColor(state: string): string {
  return COLORS[state] ?? '#64748b';
}

/** Badge class of a state: ok, bad, run or neutral. */
export function stateTone(state: string): string {
  if (state === 'exec_done' || state === 'memo_done') return 'ok';
  if (state === 'failed' || state === 'dep_fail') return 'bad';
  if (state === 'running' || state === 'launched' || state === 'running_ended' || state === 'joining') return 'run';
  return '';
}

/** Sort states by life-cycle order. */
export function byStateOrder(a: string, b: string): number {
  const ia = STATE_ORDER.indexOf(a);
  const ib = STATE_ORDER.indexOf(b);
  return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
}

/** Colour of failed tries and the timeline's unfinished tries. */
export const FAILED_COLOR = '#ef4444';
export const UNFINISHED_COLOR = '#f59e0b';
