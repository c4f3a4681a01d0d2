import { TASK_SORTS, type TaskQuery, type TaskSort } from '../queries/tasks.js';
import { ApiErrorCodes, HttpError } from './HttpError.js';

const bad = (message: string): never => {
  throw new HttpError(400, ApiErrorCodes.BadRequest, message);
};

/** An optional whole number parameter within [min, max]. */
export function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) bad(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** An optional time (ms since the epoch) parameter. */
export function timeParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) bad(`${name} must be a time in milliseconds since the epoch, got ${JSON.stringify(raw)}`);
  return n;
}

const FAILURES = new Set(['failed', 'retried', 'any']);
const STATE_NAME = /^[a-z_]{1,32}$/;

/** The task table's query from `?state=a,b&app=x&failures=failed&q=..&sort=duration&order=desc&offset=0&limit=50`. */
export function taskQuery(params: URLSearchParams): TaskQuery {
  const states = params.get('state')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of states ?? []) if (!STATE_NAME.test(s)) bad(`state ${JSON.stringify(s)} is not a task state name`);
  const failures = params.get('failures') || undefined;
  if (failures !== undefined && !FAILURES.has(failures)) bad(`failures must be failed, retried or any, got ${JSON.stringify(failures)}`);
  const sort = params.get('sort') || undefined;
  if (sort !== undefined && !(TASK_SORTS as readonly string[]).includes(sort)) bad(`sort must be one of ${TASK_SORTS.join(', ')}, got ${JSON.stringify(sort)}`);
  const order = params.get('order') || undefined;
  if (order !== undefined && order !== 'asc' && order !== 'desc') bad(`order must be asc or desc, got ${JSON.stringify(order)}`);
  const search = params.get('q') ?? undefined;
  if (search !== undefined && search.length > 200) bad('q is longer than 200 characters');
  return {
    states, app: params.get('app') || undefined, failures: failures as TaskQuery['failures'], search,
    sort: sort as TaskSort | undefined, order: order as 'asc' | 'desc' | undefined,
    offset: intParam(params, 'offset', 0, 1e9) ?? 0, limit: intParam(params, 'limit', 1, 500) ?? 50,
  };
}
