import type Database from 'better-sqlite3';
import type { StatesOverTime } from '../api/types.js';
import { stateRank } from './taskCounts.js';

/**
 * How many tasks were in each state at the end of each of `buckets` equal time buckets between
 * `from` and `to`. One pass over the run's state changes, task by task in the order each task
 * made them (an index range of `status`, read without sorting): each change moves its task from
 * its previous state to the new one in the bucket where it happened, and running sums over the
 * buckets give the counts. The cost is linear in the number of changes and the answer's size is
 * fixed by `buckets`, however many tasks the run has.
 */
export function statesOverTime(db: Database.Database, runId: string, from: number, to: number, buckets: number): StatesOverTime {
  const end = Math.max(to, from + 1);
  const bucketMs = Math.max(1, Math.ceil((end - from) / buckets));
  const n = Math.max(1, Math.ceil((end - from) / bucketMs));
  const states: string[] = [];
  const stateIndex = new Map<string, number>();
  // deltas[s][0] collects changes before `from`; deltas[s][b] (1..n) those in bucket b.
  const deltas: Int32Array[] = [];
  const indexOf = (state: string): number => {
    let i = stateIndex.get(state);
    if (i === undefined) {
      i = states.length;
      states.push(state);
      stateIndex.set(state, i);
      deltas.push(new Int32Array(n + 1));
    }
    return i;
  };
  let transitions = 0;
  let task = -1;
  let previous: number | undefined;
  const rows = db.prepare('SELECT task_id, state, time FROM status WHERE run_id = ? ORDER BY task_id, seq').raw().iterate(runId) as IterableIterator<[number, string, number]>;
  for (const [taskId, state, time] of rows) {
    transitions++;
    if (taskId !== task) {
      task = taskId;
      previous = undefined;
    }
    const next = indexOf(state);
    const left = previous;
    previous = next;
    if (time > end) continue;
    const bucket = time < from ? 0 : Math.min(n, 1 + Math.floor((time - from) / bucketMs));
    if (left !== undefined) deltas[left]![bucket]!--;
    deltas[next]![bucket]!++;
  }
  const times = Array.from({ length: n }, (_, i) => Math.min(end, from + (i + 1) * bucketMs));
  const series = states.map((state, s) => {
    const d = deltas[s]!;
    const counts = new Array<number>(n);
    let sum = d[0]!;
    for (let b = 1; b <= n; b++) {
      sum += d[b]!;
      counts[b - 1] = sum;
    }
    return { state, counts };
  }).sort((a, b) => stateRank(a.state) - stateRank(b.state));
  return { from, to: end, bucketMs, times, series, transitions };
}
