import type Database from 'better-sqlite3';
import type { AppSummary, BlockSummary, WorkflowDetail } from '../api/types.js';
import { taskCounts } from './taskCounts.js';
import { chartSpan, type RunActivity } from './runActivity.js';
import { getWorkflow } from './workflows.js';

/**
 * One workflow with its summaries by app, executor and block, or undefined for an unknown run.
 * The apps, executors and retried tasks come from one grouped pass over the run's tasks, the
 * run times and failed tries from one pass over its tries.
 */
export function workflowDetail(db: Database.Database, runId: string, activity: RunActivity | undefined): WorkflowDetail | undefined {
  const workflow = getWorkflow(db, runId, activity);
  if (!workflow || !activity) return undefined;
  interface AppAcc { kind: string | null; counts: Map<string, number>; seconds: number; maxSeconds: number; finished: number }
  const apps = new Map<string, AppAcc>();
  const executors = new Map<string, number>();
  let retriedTasks = 0;
  // GROUP BY on expressions (+app_name) makes SQLite scan the table in key order and group in a
  // temporary b-tree, instead of walking the app_name index and looking up every row.
  const groups = db.prepare(`
    SELECT +app_name, max(app_kind), +executor, state, count(*), sum(tries > 1),
           coalesce(sum(time_completed - time_submitted), 0), max(time_completed - time_submitted), count(time_completed)
    FROM task WHERE run_id = ? GROUP BY +app_name, +executor, state`).raw().all(runId) as [string, string | null, string, string, number, number, number, number | null, number][];
  for (const [app, kind, executor, state, n, retried, ms, maxMs, finished] of groups) {
    let a = apps.get(app);
    if (!a) apps.set(app, (a = { kind, counts: new Map(), seconds: 0, maxSeconds: 0, finished: 0 }));
    a.kind ??= kind;
    a.counts.set(state, (a.counts.get(state) ?? 0) + n);
    a.seconds += ms / 1000;
    a.maxSeconds = Math.max(a.maxSeconds, (maxMs ?? 0) / 1000);
    a.finished += finished;
    executors.set(executor, (executors.get(executor) ?? 0) + n);
    retriedTasks += retried;
  }
  const tries = new Map((db.prepare(`
    SELECT t.app_name, avg(coalesce(r.time_ended, r.time_returned) - r.time_started) / 1000.0, sum(r.error IS NOT NULL), count(*)
    FROM try r JOIN task t ON t.run_id = r.run_id AND t.task_id = r.task_id
    WHERE r.run_id = ? GROUP BY t.app_name`).raw().all(runId) as [string, number | null, number, number][])
    .map(([app, meanRun, failed, total]) => [app, { meanRun, failed, total }]));
  const appSummaries: AppSummary[] = [...apps.entries()].map(([app, a]) => ({
    app, kind: a.kind, tasks: taskCounts(a.counts),
    meanSeconds: a.finished > 0 ? a.seconds / a.finished : null, maxSeconds: a.finished > 0 ? a.maxSeconds : null,
    meanRunSeconds: tries.get(app)?.meanRun ?? null, failedTries: tries.get(app)?.failed ?? 0,
  })).sort((x, y) => y.tasks.total - x.tasks.total || x.app.localeCompare(y.app));
  let totalTries = 0;
  let failedTries = 0;
  for (const t of tries.values()) {
    totalTries += t.total;
    failedTries += t.failed;
  }
  return {
    workflow, span: chartSpan(activity), apps: appSummaries,
    executors: [...executors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([executor, tasks]) => ({ executor, tasks })),
    blocks: blockSummaries(db, runId),
    tries: { total: totalTries, failed: failedTries, retriedTasks },
    hasResources: db.prepare('SELECT 1 FROM resource WHERE run_id = ? AND task_id IS NOT NULL LIMIT 1').get(runId) !== undefined,
  };
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
