import type Database from 'better-sqlite3';

/** When a run started and ended, and when its tasks were first submitted and last changed state. */
export interface RunActivity {
  readonly began: number;
  readonly completed: number | null;
  /** First task submission; null for a run without tasks. */
  readonly first: number | null;
  /** Latest task state change; null for a run without tasks. */
  readonly last: number | null;
}

/**
 * The activity of a run, or undefined when there is no such run. Read from the `task` table
 * (each row carries its submission and its latest state's time), which has a row per task rather
 * than one per state change.
 */
export function runActivity(db: Database.Database, runId: string): RunActivity | undefined {
  const row = db.prepare('SELECT time_began, time_completed FROM workflow WHERE run_id = ?').raw().get(runId) as [number, number | null] | undefined;
  if (!row) return undefined;
  const [first, last] = db.prepare('SELECT min(time_submitted), max(coalesce(time_state, time_submitted)) FROM task WHERE run_id = ?').raw().get(runId) as [number | null, number | null];
  return { began: row[0], completed: row[1], first, last };
}

/**
 * The time span the charts show: from the run's first task submission to its latest task state
 * change (the DataFlowKernel's start-up and shutdown are left out); a run without tasks spans its
 * own start and end.
 */
export function chartSpan(activity: RunActivity): { from: number; to: number } {
  if (activity.first === null || activity.last === null) {
    return { from: activity.began, to: Math.max(activity.began + 1, activity.completed ?? activity.began) };
  }
  return { from: activity.first, to: Math.max(activity.first + 1, activity.last) };
}
