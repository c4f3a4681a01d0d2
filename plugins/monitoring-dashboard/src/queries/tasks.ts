import type Database from 'better-sqlite3';
import type { TaskDetail, TaskPage, TaskRow, TryRow } from '../api/types.js';
import { FAILED_STATES } from './taskCounts.js';

/**
 * Filters, order and page of the task table (`GET /api/workflows/:runId/tasks`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const query: TaskQuery = { failures: 'failed', sort: 'duration', order: 'desc', offset: 0, limit: 50 };
 * ```
 */
export interface TaskQuery {
  /** Only tasks whose latest state is one of these. */
  readonly states?: readonly string[] | undefined;
  /** Only tasks of this app. */
  readonly app?: string | undefined;
  /** `failed`: ended failed or dep_fail; `retried`: needed more than one try; `any`: either. */
  readonly failures?: 'failed' | 'retried' | 'any' | undefined;
  /** A task id, or text found in the app name or the error. */
  readonly search?: string | undefined;
  /** Sort column. */
  readonly sort?: TaskSort | undefined;
  /** Sort direction. */
  readonly order?: 'asc' | 'desc' | undefined;
  /** First row. */
  readonly offset: number;
  /** Rows. */
  readonly limit: number;
}

/**
 * Columns the task table can sort by.
 *
 * @since 0.1.0
 */
export type TaskSort = 'id' | 'app' | 'state' | 'tries' | 'submitted' | 'completed' | 'duration';

/**
 * Every {@link TaskSort}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * TASK_SORTS.includes('duration'); // true
 * ```
 */
export const TASK_SORTS: readonly TaskSort[] = ['id', 'app', 'state', 'tries', 'submitted', 'completed', 'duration'];

const SORT_SQL: Record<TaskSort, string> = {
  id: 't.task_id',
  app: 't.app_name',
  state: 't.state',
  tries: 't.tries',
  submitted: 't.time_submitted',
  completed: 't.time_completed',
  duration: '(t.time_completed - t.time_submitted)',
};

type TaskRecord = [taskId: number, app: string, kind: string | null, executor: string, state: string, tries: number, submitted: number, completed: number | null, error: string | null, host: string | null, blockId: string | null];

const ROW_SELECT = `
  SELECT t.task_id, t.app_name, t.app_kind, t.executor, t.state, t.tries, t.time_submitted, t.time_completed, t.error,
         r.host, r.block_id
  FROM task t
  LEFT JOIN try r ON r.run_id = t.run_id AND r.task_id = t.task_id AND r.try_id = t.tries - 1`;

/** The first line of an error message, at most 300 characters. */
export function errorHeadline(error: string | null): string | null {
  if (error === null || error === '') return null;
  const line = error.split('\n', 1)[0]!;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function toRow(r: TaskRecord): TaskRow {
  const [taskId, app, kind, executor, state, tries, submitted, completed, error, host, blockId] = r;
  return {
    taskId, app, kind, executor, state, tries, submitted, completed,
    seconds: completed === null ? null : (completed - submitted) / 1000, host, blockId, error: errorHeadline(error),
  };
}

/**
 * One page of a run's tasks. The filters are SQL on the `task` table (state and app through its
 * indexes); only the page's rows are joined with their latest try, so a page of a
 * 100,000-task run costs one counting pass and one bounded read.
 */
export function taskPage(db: Database.Database, runId: string, query: TaskQuery): TaskPage {
  const where: string[] = ['t.run_id = ?'];
  const params: unknown[] = [runId];
  if (query.states && query.states.length > 0) {
    where.push(`t.state IN (${query.states.map(() => '?').join(', ')})`);
    params.push(...query.states);
  }
  if (query.app !== undefined) {
    where.push('t.app_name = ?');
    params.push(query.app);
  }
  const failedList = FAILED_STATES.map((s) => `'${s}'`).join(', ');
  if (query.failures === 'failed') where.push(`t.state IN (${failedList})`);
  else if (query.failures === 'retried') where.push('t.tries > 1');
  else if (query.failures === 'any') where.push(`(t.state IN (${failedList}) OR t.tries > 1)`);
  const search = query.search?.trim();
  if (search) {
    if (/^\d+$/.test(search)) {
      where.push('t.task_id = ?');
      params.push(Number(search));
    } else {
      where.push("(t.app_name LIKE ? ESCAPE '\\' OR t.error LIKE ? ESCAPE '\\')");
      const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like);
    }
  }
  const filter = where.join(' AND ');
  const total = db.prepare(`SELECT count(*) FROM task t WHERE ${filter}`).pluck().get(...params) as number;
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const sort = SORT_SQL[query.sort ?? 'id'];
  const rows = db.prepare(`${ROW_SELECT} WHERE ${filter} ORDER BY ${sort} ${direction} NULLS LAST, t.task_id ${direction} LIMIT ? OFFSET ?`)
    .raw().all(...params, query.limit, query.offset) as TaskRecord[];
  return { total, offset: query.offset, limit: query.limit, rows: rows.map(toRow) };
}

/** Everything recorded about one task, or undefined when the run has no such task. */
export function taskDetail(db: Database.Database, runId: string, taskId: number): TaskDetail | undefined {
  const record = db.prepare(`${ROW_SELECT} WHERE t.run_id = ? AND t.task_id = ?`).raw().get(runId, taskId) as TaskRecord | undefined;
  if (!record) return undefined;
  const extra = db.prepare('SELECT dependencies, stdout, stderr, cache, error FROM task WHERE run_id = ? AND task_id = ?')
    .get(runId, taskId) as { dependencies: string; stdout: string | null; stderr: string | null; cache: number; error: string | null };
  let dependencyIds: number[] = [];
  try {
    const parsed = JSON.parse(extra.dependencies) as unknown;
    if (Array.isArray(parsed)) dependencyIds = parsed.filter((x): x is number => typeof x === 'number');
  } catch {
    // A malformed list shows as no dependencies.
  }
  const dependencyStmt = db.prepare('SELECT app_name, state FROM task WHERE run_id = ? AND task_id = ?');
  const dependencies = dependencyIds.slice(0, 1000).map((id) => {
    const d = dependencyStmt.get(runId, id) as { app_name: string; state: string } | undefined;
    return { taskId: id, app: d?.app_name ?? null, state: d?.state ?? null };
  });
  const tries = (db.prepare(`
    SELECT try_id, executor, time_launched, time_started, time_ended, time_returned, host, block_id, manager_id, error
    FROM try WHERE run_id = ? AND task_id = ? ORDER BY try_id`).raw().all(runId, taskId) as [number, string, number | null, number | null, number | null, number | null, string | null, string | null, string | null, string | null][])
    .map(([tryId, executor, launched, started, ended, returned, host, blockId, managerId, error]): TryRow => ({
      tryId, executor, launched, started, ended, returned, host, blockId, managerId, error,
    }));
  const transitions = (db.prepare('SELECT seq, try_id, state, time, error FROM status WHERE run_id = ? AND task_id = ? ORDER BY seq')
    .raw().all(runId, taskId) as [number, number, string, number, string | null][])
    .map(([seq, tryId, state, time, error]) => ({ seq, tryId, state, time, error }));
  const byTry = new Map<number, [number, number, number, number, number, number][]>();
  const samples = db.prepare(`
    SELECT try_id, time, cpu_user_seconds, cpu_system_seconds, rss_bytes, read_bytes, write_bytes
    FROM resource WHERE run_id = ? AND task_id = ? ORDER BY try_id, time`).raw().iterate(runId, taskId) as IterableIterator<[number | null, number, number, number, number, number, number]>;
  for (const [tryId, ...sample] of samples) {
    const key = tryId ?? 0;
    let list = byTry.get(key);
    if (!list) byTry.set(key, (list = []));
    list.push(sample);
  }
  return {
    task: { ...toRow(record), fullError: extra.error, stdout: extra.stdout, stderr: extra.stderr, cache: extra.cache === 1 },
    dependencies, tries, transitions,
    resources: [...byTry.entries()].map(([tryId, list]) => ({ tryId, samples: downsample(list, 2000) })),
  };
}

/** At most `max` evenly spaced elements of `list`, always keeping the first and the last. */
export function downsample<T>(list: readonly T[], max: number): T[] {
  if (list.length <= max) return [...list];
  const out: T[] = [];
  const step = (list.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(list[Math.round(i * step)]!);
  return out;
}
