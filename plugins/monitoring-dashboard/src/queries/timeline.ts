import type Database from 'better-sqlite3';
import type { Timeline, TimelineLane } from '../api/types.js';
import { MinHeap } from './MinHeap.js';

/** Outcome codes of a try in {@link Timeline.tries}. */
export const TRY_OK = 0;
/** A try that failed. */
export const TRY_FAILED = 1;
/** A try with no end recorded (still running, or lost). */
export const TRY_UNFINISHED = 2;

/**
 * Every try of a run, laid out once for the timeline: sorted by start, each with its lane
 * (executor/block) and sub-row (slot) within the lane. Kept in typed arrays — about 50 bytes a
 * try — so that windows of a 100,000-task run are cut from memory, not re-read.
 */
export interface TimelineData {
  readonly span: { readonly from: number; readonly to: number };
  readonly lanes: readonly TimelineLane[];
  readonly apps: readonly string[];
  readonly count: number;
  readonly lane: Int32Array;
  readonly slot: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly taskId: Float64Array;
  readonly tryId: Int32Array;
  readonly outcome: Uint8Array;
  readonly app: Int32Array;
  /** Longest try, to find the tries that started before a window and still overlap it. */
  readonly maxDuration: number;
}

type TryRecord = [taskId: number, tryId: number, executor: string, blockId: string | null, start: number | null, end: number | null, error: string | null, app: string];

function compareBlocks(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a.localeCompare(b, undefined, { numeric: true });
}

/** Read and lay out every try of a run (see {@link TimelineData}). */
export function loadTimeline(db: Database.Database, runId: string, span: { from: number; to: number }): TimelineData {
  const rows = db.prepare(`
    SELECT r.task_id, r.try_id, r.executor, r.block_id,
           coalesce(r.time_started, r.time_launched, r.time_returned),
           coalesce(r.time_ended, r.time_returned),
           r.error, t.app_name
    FROM try r JOIN task t ON t.run_id = r.run_id AND t.task_id = r.task_id
    WHERE r.run_id = ? AND coalesce(r.time_started, r.time_launched, r.time_returned) IS NOT NULL`).raw().all(runId) as TryRecord[];
  rows.sort((a, b) => a[4]! - b[4]! || a[0] - b[0] || a[1] - b[1]);

  const laneKeys = new Map<string, { executor: string; blockId: string | null; tries: number }>();
  const laneKey = (executor: string, blockId: string | null): string => `${executor}\u0000${blockId ?? ''}`;
  for (const r of rows) {
    const k = laneKey(r[2], r[3]);
    const lane = laneKeys.get(k);
    if (lane) lane.tries++;
    else laneKeys.set(k, { executor: r[2], blockId: r[3], tries: 1 });
  }
  const ordered = [...laneKeys.entries()].sort(([, a], [, b]) => a.executor.localeCompare(b.executor) || compareBlocks(a.blockId, b.blockId));
  const laneIndex = new Map(ordered.map(([k], i) => [k, i]));
  const apps: string[] = [];
  const appIndex = new Map<string, number>();

  const count = rows.length;
  const data = {
    lane: new Int32Array(count), slot: new Int32Array(count), start: new Float64Array(count), end: new Float64Array(count),
    taskId: new Float64Array(count), tryId: new Int32Array(count), outcome: new Uint8Array(count), app: new Int32Array(count),
  };
  const busy = ordered.map(() => new MinHeap());
  const free = ordered.map(() => new MinHeap());
  const slots = ordered.map(() => 0);
  let maxDuration = 0;
  for (let i = 0; i < count; i++) {
    const [taskId, tryId, executor, blockId, start, end, error, app] = rows[i]!;
    const lane = laneIndex.get(laneKey(executor, blockId))!;
    const s = start!;
    const e = Math.max(s, end ?? Math.max(span.to, s));
    // Give the try the lowest sub-row that is free when it starts.
    const b = busy[lane]!;
    const f = free[lane]!;
    while (b.size > 0 && b.peekKey()! <= s) {
      const freed = b.pop()!;
      f.push(freed, freed);
    }
    const slot = f.size > 0 ? f.pop()! : slots[lane]!++;
    b.push(e, slot);
    let a = appIndex.get(app);
    if (a === undefined) {
      a = apps.length;
      apps.push(app);
      appIndex.set(app, a);
    }
    data.lane[i] = lane;
    data.slot[i] = slot;
    data.start[i] = s;
    data.end[i] = e;
    data.taskId[i] = taskId;
    data.tryId[i] = tryId;
    data.outcome[i] = error !== null ? TRY_FAILED : end === null ? TRY_UNFINISHED : TRY_OK;
    data.app[i] = a;
    if (e - s > maxDuration) maxDuration = e - s;
  }
  const lanes: TimelineLane[] = ordered.map(([, l], i) => ({
    executor: l.executor, blockId: l.blockId, label: l.blockId === null ? l.executor : `${l.executor} · block ${l.blockId}`,
    slots: Math.max(1, slots[i]!), tries: l.tries,
  }));
  const to = count > 0 ? Math.max(span.to, data.end.reduce((m, x) => (x > m ? x : m), 0)) : span.to;
  return { span: { from: span.from, to }, lanes, apps, count, ...data, maxDuration };
}

/** First index whose start is > `time` (the data is sorted by start). */
function upperBound(start: Float64Array, time: number): number {
  let lo = 0;
  let hi = start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (start[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The timeline between `from` and `to`: each try as a bar when at most `maxBars` overlap the
 * window, else per lane `buckets` cells with the mean number of tries running at once — so the
 * answer stays small (and the browser fast) however many tasks the run has.
 */
export function timelineWindow(data: TimelineData, from: number, to: number, maxBars: number, buckets: number): Timeline {
  const lo = upperBound(data.start, from - data.maxDuration - 1);
  const hi = upperBound(data.start, to);
  const inWindow: number[] = [];
  for (let i = lo; i < hi; i++) if (data.end[i]! >= from) inWindow.push(i);
  const base = { from, to, span: data.span, lanes: data.lanes, apps: data.apps, total: inWindow.length, maxBars };
  if (inWindow.length <= maxBars) {
    return {
      ...base, mode: 'tries',
      tries: inWindow.map((i) => [data.lane[i]!, data.slot[i]!, data.start[i]!, data.end[i]!, data.taskId[i]!, data.tryId[i]!, data.outcome[i]!, data.app[i]!] as const),
    };
  }
  const width = Math.max(1, to - from);
  const n = Math.max(1, Math.min(buckets, width));
  const bucketMs = width / n;
  const busy = new Float64Array(data.lanes.length * n);
  const failed = new Uint32Array(data.lanes.length * n);
  for (const i of inWindow) {
    const lane = data.lane[i]! * n;
    const s = Math.max(from, data.start[i]!);
    const e = Math.min(to, data.end[i]!);
    const first = Math.min(n - 1, Math.floor((s - from) / bucketMs));
    const last = Math.min(n - 1, Math.floor((e - from) / bucketMs));
    if (first === last) {
      // Count even an instant try a little, so that bursts of very short tasks still show.
      busy[lane + first]! += Math.max(e - s, bucketMs / 1000);
    } else {
      busy[lane + first]! += from + (first + 1) * bucketMs - s;
      for (let b = first + 1; b < last; b++) busy[lane + b]! += bucketMs;
      busy[lane + last]! += e - (from + last * bucketMs);
    }
    if (data.outcome[i] === TRY_FAILED && data.end[i]! <= to) failed[lane + last]!++;
  }
  const cells: [number, number, number, number][] = [];
  for (let lane = 0; lane < data.lanes.length; lane++) {
    for (let b = 0; b < n; b++) {
      const v = busy[lane * n + b]!;
      if (v > 0) cells.push([lane, b, Math.round((v / bucketMs) * 1000) / 1000, failed[lane * n + b]!]);
    }
  }
  return { ...base, mode: 'density', bucketMs, cells };
}
