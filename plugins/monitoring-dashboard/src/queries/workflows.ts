import type Database from 'better-sqlite3';
import type { WorkflowListItem } from '../api/types.js';
import type { RunActivity } from './runActivity.js';
import { taskCounts } from './taskCounts.js';

/** A row of the workflow table as the queries below select it. */
interface WorkflowRow {
  run_id: string; name: string; user: string; host: string; run_dir: string; core_version: string; config: string;
  time_began: number; time_completed: number | null; status: string;
}

const WORKFLOW_COLUMNS = 'run_id, name, user, host, run_dir, core_version, config, time_began, time_completed, status';

function item(row: WorkflowRow, counts: [string, number][], activity: RunActivity | undefined): WorkflowListItem {
  return {
    runId: row.run_id, name: row.name, user: row.user, host: row.host, runDir: row.run_dir, coreVersion: row.core_version,
    began: row.time_began, completed: row.time_completed, status: row.status, lastActivity: activity?.last ?? null, tasks: taskCounts(counts),
  };
}

/**
 * Every workflow run with its task counts, newest first: one grouped pass over the `task` table
 * counts the tasks of every run. `activity` gives each run's latest activity (cached by the reader).
 */
export function listWorkflows(db: Database.Database, activity: (runId: string) => RunActivity | undefined): WorkflowListItem[] {
  const rows = db.prepare(`SELECT ${WORKFLOW_COLUMNS} FROM workflow ORDER BY time_began DESC, run_id`).all() as WorkflowRow[];
  const counts = new Map<string, [string, number][]>();
  for (const [runId, state, n] of db.prepare('SELECT run_id, state, count(*) FROM task GROUP BY run_id, state').raw().all() as [string, string, number][]) {
    let list = counts.get(runId);
    if (!list) counts.set(runId, (list = []));
    list.push([state, n]);
  }
  return rows.map((row) => item(row, counts.get(row.run_id) ?? [], activity(row.run_id)));
}

/** One workflow run with its config, or undefined when the database has no such run. */
export function getWorkflow(db: Database.Database, runId: string, activity: RunActivity | undefined): (WorkflowListItem & { config: unknown }) | undefined {
  const row = db.prepare(`SELECT ${WORKFLOW_COLUMNS} FROM workflow WHERE run_id = ?`).get(runId) as WorkflowRow | undefined;
  if (!row) return undefined;
  const counts = db.prepare('SELECT state, count(*) FROM task WHERE run_id = ? GROUP BY state').raw().all(runId) as [string, number][];
  let config: unknown = null;
  try {
    config = JSON.parse(row.config);
  } catch {
    config = row.config;
  }
  return { ...item(row, counts, activity), config };
}
