/**
 * The JSON documents of the dashboard's HTTP API (`/api/...`). The single-page UI reads these
 * and nothing else; scripts may too. Times are milliseconds since the Unix epoch, durations are
 * seconds, sizes are bytes.
 *
 * @module
 */

/**
 * Task counts of a workflow.
 *
 * @since 0.1.0
 */
export interface TaskCounts {
  /** Every task. */
  readonly total: number;
  /** Tasks by their latest state (only states that have tasks). */
  readonly byState: Readonly<Record<string, number>>;
  /** exec_done + memo_done. */
  readonly done: number;
  /** failed + dep_fail. */
  readonly failed: number;
  /** Tasks not in a final state yet. */
  readonly active: number;
}

/**
 * One workflow run, as listed on the first page.
 *
 * @since 0.1.0
 */
export interface WorkflowListItem {
  /** The run's id. */
  readonly runId: string;
  /** The workflow's name. */
  readonly name: string;
  /** Who ran it. */
  readonly user: string;
  /** Where it ran. */
  readonly host: string;
  /** Its run directory. */
  readonly runDir: string;
  /** Version of @parsl-ts/core that ran it. */
  readonly coreVersion: string;
  /** When it started. */
  readonly began: number;
  /** When it ended; null while running (or when it never recorded its end). */
  readonly completed: number | null;
  /** `running` until the workflow records its end, then `completed`. */
  readonly status: string;
  /** The time of its latest task state change (activity of a running workflow). */
  readonly lastActivity: number | null;
  /** Its tasks. */
  readonly tasks: TaskCounts;
}

/**
 * `GET /api/workflows`.
 *
 * @since 0.1.0
 */
export interface WorkflowList {
  /** Every run in the database, newest first. */
  readonly workflows: readonly WorkflowListItem[];
}

/**
 * The tasks of one app in one workflow.
 *
 * @since 0.1.0
 */
export interface AppSummary {
  /** App name. */
  readonly app: string;
  /** `function`, `bash` or `join`, when recorded. */
  readonly kind: string | null;
  /** Its tasks. */
  readonly tasks: TaskCounts;
  /** Mean seconds from submission to a final state, over its finished tasks. */
  readonly meanSeconds: number | null;
  /** Longest such time. */
  readonly maxSeconds: number | null;
  /** Mean seconds its tries ran (start to end, or to the outcome's return when no end was recorded). */
  readonly meanRunSeconds: number | null;
  /** Tries that failed. */
  readonly failedTries: number;
}

/**
 * One block (batch job) of an executor.
 *
 * @since 0.1.0
 */
export interface BlockSummary {
  /** Executor label. */
  readonly executor: string;
  /** Block id. */
  readonly blockId: string;
  /** The scheduler's job id, when known. */
  readonly jobId: string | null;
  /** Its latest state. */
  readonly state: string;
  /** Its latest message. */
  readonly message: string | null;
  /** First event. */
  readonly first: number;
  /** Latest event. */
  readonly last: number;
  /** Worker managers (nodes) that connected from it. */
  readonly managers: number;
  /** Workers those managers offered. */
  readonly workers: number;
}

/**
 * `GET /api/workflows/:runId`: one workflow with summaries by app, executor and block.
 *
 * @since 0.1.0
 */
export interface WorkflowDetail {
  /** The run. */
  readonly workflow: WorkflowListItem & { readonly config: unknown };
  /** Time span of its tasks: the first and the latest task state change. */
  readonly span: { readonly from: number; readonly to: number };
  /** Tasks by app, most tasks first. */
  readonly apps: readonly AppSummary[];
  /** Executor labels with their task counts. */
  readonly executors: readonly { readonly executor: string; readonly tasks: number }[];
  /** Blocks of every executor. */
  readonly blocks: readonly BlockSummary[];
  /** Tries: total, failed, and tasks that needed more than one. */
  readonly tries: { readonly total: number; readonly failed: number; readonly retriedTasks: number };
  /** Whether any resource sample was recorded. */
  readonly hasResources: boolean;
}

/**
 * `GET /api/workflows/:runId/states`: how many tasks were in each state over time, at the end of
 * each of `times.length` equal buckets.
 *
 * @since 0.1.0
 */
export interface StatesOverTime {
  /** Start of the first bucket. */
  readonly from: number;
  /** End of the last bucket. */
  readonly to: number;
  /** Width of a bucket, ms. */
  readonly bucketMs: number;
  /** End time of each bucket. */
  readonly times: readonly number[];
  /** One series per state that ever had a task, in life-cycle order. */
  readonly series: readonly { readonly state: string; readonly counts: readonly number[] }[];
  /** State changes read. */
  readonly transitions: number;
}

/**
 * A row of the timeline: an executor, or one block of it.
 *
 * @since 0.1.0
 */
export interface TimelineLane {
  /** Executor label. */
  readonly executor: string;
  /** Block id, or null for executors without blocks. */
  readonly blockId: string | null;
  /** What the row is called. */
  readonly label: string;
  /** How many tries ever ran at once in it (sub-rows). */
  readonly slots: number;
  /** Tries it ran. */
  readonly tries: number;
}

/**
 * `GET /api/workflows/:runId/timeline`: the tries of the tasks per executor/block between `from`
 * and `to`. With few enough tries in the window (`mode: 'tries'`) each try is one bar; otherwise
 * (`mode: 'density'`) each lane is cut into buckets that say how many tries ran at once on average.
 *
 * @since 0.1.0
 */
export interface Timeline {
  /** Start of the window. */
  readonly from: number;
  /** End of the window. */
  readonly to: number;
  /** The whole run's span, for the zoom control. */
  readonly span: { readonly from: number; readonly to: number };
  /** Lanes, in display order. */
  readonly lanes: readonly TimelineLane[];
  /** App names; tries refer to them by index. */
  readonly apps: readonly string[];
  /** Tries that overlap the window. */
  readonly total: number;
  /** Most bars drawn one by one; above that the timeline is aggregated. */
  readonly maxBars: number;
  /** `tries` or `density`. */
  readonly mode: 'tries' | 'density';
  /** In `tries` mode: [lane, slot, start, end, taskId, tryId, outcome (0 ok, 1 failed, 2 unfinished), app index]. */
  readonly tries?: readonly (readonly [number, number, number, number, number, number, number, number])[];
  /** In `density` mode: bucket width, ms. */
  readonly bucketMs?: number;
  /** In `density` mode: [lane, bucket index, mean tries running at once, failed tries ending in it]. */
  readonly cells?: readonly (readonly [number, number, number, number])[];
}

/**
 * One task in the task table.
 *
 * @since 0.1.0
 */
export interface TaskRow {
  /** Task id. */
  readonly taskId: number;
  /** App name. */
  readonly app: string;
  /** App kind (`function`, `bash`, `join`) when recorded. */
  readonly kind: string | null;
  /** Executor label. */
  readonly executor: string;
  /** Latest state. */
  readonly state: string;
  /** Tries started. */
  readonly tries: number;
  /** Submitted at. */
  readonly submitted: number;
  /** Reached a final state at, or null. */
  readonly completed: number | null;
  /** completed - submitted, seconds. */
  readonly seconds: number | null;
  /** Host of its latest try. */
  readonly host: string | null;
  /** Block of its latest try. */
  readonly blockId: string | null;
  /** First line of its error (at most 300 characters), when it failed. */
  readonly error: string | null;
}

/**
 * `GET /api/workflows/:runId/tasks`: one page of the task table.
 *
 * @since 0.1.0
 */
export interface TaskPage {
  /** Tasks that match the filters. */
  readonly total: number;
  /** Index of the first row. */
  readonly offset: number;
  /** Page size asked for. */
  readonly limit: number;
  /** The rows. */
  readonly rows: readonly TaskRow[];
}

/**
 * One try of a task.
 *
 * @since 0.1.0
 */
export interface TryRow {
  /** Try number, from 0. */
  readonly tryId: number;
  /** Executor. */
  readonly executor: string;
  /** Handed to the executor. */
  readonly launched: number | null;
  /** Began to run. */
  readonly started: number | null;
  /** Finished running. */
  readonly ended: number | null;
  /** Its outcome reached the DataFlowKernel. */
  readonly returned: number | null;
  /** Host. */
  readonly host: string | null;
  /** Block. */
  readonly blockId: string | null;
  /** Worker manager. */
  readonly managerId: string | null;
  /** Why it failed. */
  readonly error: string | null;
}

/**
 * `GET /api/workflows/:runId/tasks/:taskId`: everything recorded about one task.
 *
 * @since 0.1.0
 */
export interface TaskDetail {
  /** The task (with its whole error). */
  readonly task: TaskRow & { readonly fullError: string | null; readonly stdout: string | null; readonly stderr: string | null; readonly cache: boolean };
  /** The tasks it waited for, with their states. */
  readonly dependencies: readonly { readonly taskId: number; readonly app: string | null; readonly state: string | null }[];
  /** Every try. */
  readonly tries: readonly TryRow[];
  /** Every state change, in order. */
  readonly transitions: readonly { readonly seq: number; readonly tryId: number; readonly state: string; readonly time: number; readonly error: string | null }[];
  /** Resource samples per try: [time, cpu user s, cpu system s, rss, read bytes, write bytes]. */
  readonly resources: readonly { readonly tryId: number; readonly samples: readonly (readonly [number, number, number, number, number, number])[] }[];
}

/**
 * Peak resource use of one app's tries.
 *
 * @since 0.1.0
 */
export interface AppResources {
  /** App name. */
  readonly app: string;
  /** Tries with samples. */
  readonly tries: number;
  /** Mean CPU seconds (user + system) per try. */
  readonly cpuMean: number;
  /** Most CPU seconds of a try. */
  readonly cpuMax: number;
  /** Mean peak resident memory per try. */
  readonly rssMean: number;
  /** Highest resident memory of a try. */
  readonly rssMax: number;
  /** Bytes read, all tries. */
  readonly readBytes: number;
  /** Bytes written, all tries. */
  readonly writeBytes: number;
}

/**
 * `GET /api/workflows/:runId/resources`: resource use per app and per task.
 *
 * @since 0.1.0
 */
export interface ResourceSummary {
  /** Per app, most CPU first. */
  readonly apps: readonly AppResources[];
  /** App names; points refer to them by index. */
  readonly appNames: readonly string[];
  /** Per try: [taskId, tryId, app index, cpu seconds, peak rss, read bytes, write bytes]; at most `maxPoints`, evenly sampled. */
  readonly points: readonly (readonly [number, number, number, number, number, number, number])[];
  /** Tries with samples. */
  readonly totalTries: number;
  /** Whether `points` is a sample. */
  readonly sampled: boolean;
}

/**
 * `GET /api/info`: the database the server reads.
 *
 * @since 0.1.0
 */
export interface DatabaseInfo {
  /** Absolute path. */
  readonly database: string;
  /** Schema version. */
  readonly schemaVersion: number;
  /** Version of this dashboard. */
  readonly dashboardVersion: string;
}

/**
 * The body of every API error response (4xx/5xx).
 *
 * @since 0.1.0
 */
export interface ApiError {
  /** A stable code, e.g. `PARSL_DASHBOARD_NOT_FOUND_RUN`. */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
}
