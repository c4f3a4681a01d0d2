import type {
  ApiError, DatabaseInfo, ResourceSummary, StatesOverTime, TaskDetail, TaskPage, Timeline, WorkflowDetail, WorkflowList,
} from '../../dist/api/types.js';

export type * from '../../dist/api/types.js';

/** An error answer of the API, with its code. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function get<T>(path: string, params: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const url = `/api/${path}${query.size > 0 ? `?${query.toString()}` : ''}`;
  const response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  const body = (await response.json()) as unknown;
  if (!response.ok) {
    const e = body as Partial<ApiError>;
    throw new ApiFailure(response.status, e.code ?? 'HTTP_' + response.status, e.message ?? response.statusText);
  }
  return body as T;
}

const run = (runId: string): string => `workflows/${encodeURIComponent(runId)}`;

/** The dashboard's API. */
export const api = {
  info: () => get<DatabaseInfo>('info'),
  workflows: () => get<WorkflowList>('workflows'),
  workflow: (runId: string) => get<WorkflowDetail>(run(runId)),
  states: (runId: string) => get<StatesOverTime>(`${run(runId)}/states`),
  timeline: (runId: string, params: { from?: number; to?: number }, signal?: AbortSignal) =>
    get<Timeline>(`${run(runId)}/timeline`, { from: params.from === undefined ? undefined : Math.floor(params.from), to: params.to === undefined ? undefined : Math.ceil(params.to) }, signal),
  tasks: (runId: string, params: Record<string, string | number | undefined>, signal?: AbortSignal) => get<TaskPage>(`${run(runId)}/tasks`, params, signal),
  task: (runId: string, taskId: number) => get<TaskDetail>(`${run(runId)}/tasks/${taskId}`),
  resources: (runId: string) => get<ResourceSummary>(`${run(runId)}/resources`),
};
