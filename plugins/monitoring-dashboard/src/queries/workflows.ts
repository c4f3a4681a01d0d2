import type Database from 'better-sqlite3';
import type { WorkflowListItem } from '../api/types.js';
import { taskCounts } from './taskCounts.js';

/** A row of the workflow table as the queries below select it. */
interface WorkflowRow {
  run_id: string; name: string; user: string; host: string; run_dir: string; core_version: string; config: string;
  time_began: number; time_completed: number | null; status: string;
}

const WORKFLOW_COLUMNS = 'run_id, name, user, host, run_dir, core_version, config, time_began, time_completed, status';

function item(row: WorkflowRow, counts: [string, number][], lastActivity: number | null): WorkflowListItem {
  return {
    runId: row.run_id, name: row.name, user: row.user, host: row.host, runDir: row.run_dir, coreVersion: row.core_version,
    began: row.time_began, completed: row.time_completed, status: row.status, lastActivity, tasks: taskCounts(counts),
  };
}

/**
 * Every workflow run with its task counts, newest first. One pass over the `task_state` index
 * counts the tasks of every run.
 */
export function listWorkflows(db: Database.Database): WorkflowListItem[] {
  const rows = db.prepare(`SELECT ${WORKFLOW_COLUMNS} FROM workflow ORDER BY time_began DESC, run_id`).all() as WorkflowRow[];
  const counts = new Map<string, [string, number][]>();
  for (const c of db.prepare('SELECT run_id, state, count(*) AS n FROM task GROUP BY run_id, state').all() as { run_id: string; state: string; n: number }[]) {
    let list = counts.get(c.run_id);
    if (!list) counts.set(c.run_id, (list = []));
    list.push([c.state, c.n]);
  }
  const latest = db.prepare('SELECT max(time) FROM status WHERE run_id = ?').pluck();
  return rows.map((row) => item(row, counts.get(row.run_id) ?? [], (latest.get(row.run_id) as number | null) ?? null));
}

/** One workflow run with its config, or undefined when the database has no such run. */
export function getWorkflow(db: Database.Database, runId: string): (WorkflowListItem & { config: unknown }) | undefined {
  const row = db.prepare(`SELECT ${WORKFLOW_COLUMNS} FROM workflow WHERE run_id = ?`).get(runId) as WorkflowRow | undefined;
  if (!row) return undefined;
  const counts = db.prepare('SELECT state, count(*) FROM task WHERE run_id = ? GROUP BY state').raw().all(runId) as [string, number][];
  const lastActivity = (db.prepare('SELECT max(time) FROM status WHERE run_id = ?').pluck().get(runId) as number | null) ?? null;
  let config: unknown = null;
  try {
    config = JSON.parse(row.config);
  } catch {
    config = row.config;
  }
  return { ...item(row, counts, lastActivity), config };
}
