import type Database from 'better-sqlite3';
import type { AppSummary, BlockSummary, WorkflowDetail } from '../api/types.js';
import { taskCounts } from './taskCounts.js';
import { getWorkflow } from './workflows.js';

/**
 * The time span the charts show: from the run's first task state change to its latest one (the
 * DataFlowKernel's start-up and shutdown are left out); a run without tasks spans its own start
 * and end.
 */
export function runSpan(db: Database.Database, runId: string): { from: number; to: number } | undefined {
  const row = db.prepare('SELECT time_began, time_completed FROM workflow WHERE run_id = ?').get(runId) as { time_began: number; time_completed: number | null } | undefined;
  if (!row) return undefined;
  const [first, last] = db.prepare('SELECT min(time), max(time) FROM status WHERE run_id = ?').raw().get(runId) as [number | null, number | null];
  if (first === null || last === null) return { from: row.time_began, to: Math.max(row.time_began + 1, row.time_completed ?? row.time_began) };
  return { from: first, to: Math.max(first + 1, last) };
}

/**
 * One workflow with its summaries by app, executor and block, or undefined for an unknown run.
 * Each part is one grouped query over an index of the run's rows.
 */
export function workflowDetail(db: Database.Database, runId: string): WorkflowDetail | undefined {
  const workflow = getWorkflow(db, runId);
  const span = runSpan(db, runId);
  if (!workflow || !span) return undefined;
  return {
    workflow, span, apps: appSummaries(db, runId), executors: executorCounts(db, runId), blocks: blockSummaries(db, runId),
    tries: tryCounts(db, runId),
    hasResources: db.prepare('SELECT 1 FROM resource WHERE run_id = ? AND task_id IS NOT NULL LIMIT 1').get(runId) !== undefined,
  };
}

function appSummaries(db: Database.Database, runId: string): AppSummary[] {
  const states = new Map<string, { kind: string | null; counts: [string, number][] }>();
  const rows = db.prepare('SELECT app_name, max(app_kind), state, count(*) FROM task WHERE run_id = ? GROUP BY app_name, state').raw().all(runId) as [string, string | null, string, number][];
  for (const [app, kind, state, n] of rows) {
    let entry = states.get(app);
    if (!entry) states.set(app, (entry = { kind, counts: [] }));
    entry.kind ??= kind;
    entry.counts.push([state, n]);
  }
  const durations = new Map((db.prepare(`
    SELECT app_name, avg(time_completed - time_submitted) / 1000.0, max(time_completed - time_submitted) / 1000.0
    FROM task WHERE run_id = ? AND time_completed IS NOT NULL GROUP BY app_name`).raw().all(runId) as [string, number, number][])
    .map(([app, mean, max]) => [app, { mean, max }]));
  const tries = new Map((db.prepare(`
    SELECT t.app_name, avg(coalesce(r.time_ended, r.time_returned) - r.time_started) / 1000.0, sum(r.error IS NOT NULL)
    FROM try r JOIN task t ON t.run_id = r.run_id AND t.task_id = r.task_id
    WHERE r.run_id = ? GROUP BY t.app_name`).raw().all(runId) as [string, number | null, number][])
    .map(([app, meanRun, failed]) => [app, { meanRun, failed }]));
  return [...states.entries()].map(([app, { kind, counts }]) => ({
    app, kind, tasks: taskCounts(counts),
    meanSeconds: durations.get(app)?.mean ?? null, maxSeconds: durations.get(app)?.max ?? null,
    meanRunSeconds: tries.get(app)?.meanRun ?? null, failedTries: tries.get(app)?.failed ?? 0,
  })).sort((a, b) => b.tasks.total - a.tasks.total || a.app.localeCompare(b.app));
}

function executorCounts(db: Database.Database, runId: string): { executor: string; tasks: number }[] {
  return (db.prepare('SELECT executor, count(*) FROM task WHERE run_id = ? GROUP BY executor ORDER BY executor').raw().all(runId) as [string, number][])
    .map(([executor, tasks]) => ({ executor, tasks }));
}

function tryCounts(db: Database.Database, runId: string): WorkflowDetail['tries'] {
  const [total, failed] = db.prepare('SELECT count(*), coalesce(sum(error IS NOT NULL), 0) FROM try WHERE run_id = ?').raw().get(runId) as [number, number];
  const retriedTasks = db.prepare('SELECT count(*) FROM task WHERE run_id = ? AND tries > 1').pluck().get(runId) as number;
  return { total, failed, retriedTasks };
}

/**
 * Every block of the run with its latest state, job id and the managers (nodes) that connected
 * from it, in the order the blocks first appeared.
 */
export function blockSummaries(db: Database.Database, runId: string): BlockSummary[] {
  interface Acc { executor: string; blockId: string; jobId: string | null; state: string; message: string | null; first: number; last: number; managers: Map<string, number> }
  const blocks = new Map<string, Acc>();
  const key = (executor: string, blockId: string): string => `${executor}\u0000${blockId}`;
  const events = db.prepare('SELECT executor, block_id, job_id, state, message, time FROM block WHERE run_id = ? ORDER BY time, id').raw().all(runId) as [string, string, string | null, string, string | null, number][];
  for (const [executor, blockId, jobId, state, message, time] of events) {
    const k = key(executor, blockId);
    const b = blocks.get(k);
    if (!b) {
      blocks.set(k, { executor, blockId, jobId, state, message, first: time, last: time, managers: new Map() });
      continue;
    }
    b.jobId = jobId ?? b.jobId;
    b.state = state;
    b.message = message ?? b.message;
    b.last = Math.max(b.last, time);
  }
  const nodes = db.prepare('SELECT executor, block_id, manager_id, max(workers), min(time), max(time) FROM node WHERE run_id = ? GROUP BY executor, block_id, manager_id').raw().all(runId) as [string, string, string, number, number, number][];
  for (const [executor, blockId, managerId, workers, first, last] of nodes) {
    const k = key(executor, blockId);
    let b = blocks.get(k);
    if (!b) blocks.set(k, (b = { executor, blockId, jobId: null, state: 'unknown', message: null, first, last, managers: new Map() }));
    b.managers.set(managerId, workers);
    b.first = Math.min(b.first, first);
    b.last = Math.max(b.last, last);
  }
  return [...blocks.values()].map((b) => ({
    executor: b.executor, blockId: b.blockId, jobId: b.jobId, state: b.state, message: b.message, first: b.first, last: b.last,
    managers: b.managers.size, workers: [...b.managers.values()].reduce((a, w) => a + w, 0),
  }));
}
