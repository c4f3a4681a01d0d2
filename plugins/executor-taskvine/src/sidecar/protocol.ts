/**
 * The stdio protocol between the executor and its Python sidecar (version 1): one JSON object per
 * line, in both directions. docs/taskvine.md documents every message; the sidecar's side is
 * sidecar/parsl_ts_sidecar.py. Any incompatible change increments {@link SIDECAR_PROTOCOL_VERSION}
 * on both sides; each side refuses a peer of another version.
 */

/**
 * The version of the executor–sidecar protocol this package speaks.
 *
 * @since 0.1.0
 */
export const SIDECAR_PROTOCOL_VERSION = 1;

/**
 * Which manager library the sidecar hosts: TaskVine's (`ndcctools.taskvine`) or Work Queue's (`work_queue`).
 *
 * @since 0.1.0
 */
export type Backend = 'taskvine' | 'workqueue';

/** A file of a manager task: a path on the submit side and a name in the task's sandbox. */
export interface FileSpec {
  /** Absolute path on the submit side (read for inputs, written for outputs). */
  readonly local: string;
  /** Relative name in the task's sandbox on the worker. */
  readonly remote: string;
  /** Inputs only: keep the file in the worker's cache for later tasks (shared files). */
  readonly cache?: boolean;
}

/** One manager task, as the executor asks the sidecar to submit it. */
export interface TaskSpec {
  /** The executor's key for the task (unique within a run). */
  readonly key: number;
  /** Shell command, run by the worker in the task's sandbox. */
  readonly command: string;
  readonly inputs: readonly FileSpec[];
  readonly outputs: readonly FileSpec[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cores?: number;
  /** MB. */
  readonly memory?: number;
  /** MB. */
  readonly disk?: number;
  readonly gpus?: number;
  /** Times the manager may run the task again after losing its worker. */
  readonly maxRetries?: number;
  /** Seconds the manager lets the task run before killing it. */
  readonly timeMax?: number;
  /** Larger runs first (the manager's convention). */
  readonly priority?: number;
  readonly category?: string;
}

/** Executor → sidecar. */
export type ToSidecar =
  | {
    readonly op: 'hello'; readonly protocol: number; readonly backend: Backend; readonly port: number; readonly logDir: string;
    readonly passwordFile?: string; readonly debugLog?: boolean; readonly tune?: Readonly<Record<string, number>>;
    /** Fewest tasks the sidecar hands the manager at once (more when the workers have more cores). */
    readonly window?: number;
  }
  | { readonly op: 'submit'; readonly tasks: readonly TaskSpec[] }
  | { readonly op: 'cancel'; readonly keys: readonly number[] }
  | { readonly op: 'stats' }
  | { readonly op: 'shutdown' };

/** The outcome of one manager task. */
export interface TaskResult {
  readonly key: number;
  /**
   * The manager's result: `success`, `input missing`, `output missing`, `stdout missing`, `signal`,
   * `resource exhaustion`, `max end time`, `unknown`, `forsaken`, `max retries`, `max wall time`,
   * others the library may add, or `rejected` when the sidecar refused the task (see `error`).
   */
  readonly result: string;
  /** The shared numeric result code (0 success, 2 output missing, ...); -1 when unknown or rejected. */
  readonly resultCode: number;
  /** Exit code of the command (meaningful when the command ran). */
  readonly exitCode: number | null;
  /** Last characters of what the command printed (stdout, with stderr for our runner). */
  readonly output?: string;
  /** Host the task ran on. */
  readonly host?: string | null;
  /** Id of the worker the task ran on (as in `workers` events), when the manager's log says. */
  readonly worker?: string | null;
  /** When the command started and ended, in ms since the epoch (the manager's clock). */
  readonly started?: number | null;
  readonly ended?: number | null;
  /** Why the sidecar refused the task (`result: 'rejected'`). */
  readonly error?: string;
}

/**
 * The manager's statistics, as the sidecar sends them every second (see `TaskVineExecutor.managerStats`).
 *
 * @since 0.1.0
 */
export interface SidecarStats {
  readonly workersConnected: number;
  readonly workersBusy: number;
  readonly workersIdle: number;
  readonly tasksWaiting: number;
  readonly tasksRunning: number;
  readonly tasksDone: number;
  readonly totalCores: number;
  /** Tasks the sidecar holds for the executor (in the manager or in its backlog). */
  readonly outstanding: number;
  /** Tasks waiting in the sidecar's backlog, not yet handed to the manager. */
  readonly backlog: number;
}

/** A worker joined or left (from the manager's transactions log), or reported its cores. */
export interface WorkerEvent {
  readonly id: string;
  readonly address?: string;
  readonly active?: boolean;
  readonly cores?: number;
  /** ms since the epoch. */
  readonly time?: number;
}

/** Sidecar → executor. */
export type FromSidecar =
  | {
    readonly op: 'ready'; readonly protocol: number; readonly backend: Backend; readonly backendVersion: string; readonly port: number;
    readonly python: string; readonly pid: number; readonly logs: Readonly<Record<string, string>>;
  }
  | { readonly op: 'error'; readonly code: 'protocol' | 'backend' | 'internal' | string; readonly message: string; readonly fatal?: boolean; readonly protocol?: number }
  | { readonly op: 'results'; readonly results: readonly TaskResult[] }
  | { readonly op: 'running'; readonly keys: readonly number[]; readonly times?: readonly number[] }
  | ({ readonly op: 'stats' } & SidecarStats)
  | { readonly op: 'workers'; readonly events: readonly WorkerEvent[] }
  | { readonly op: 'bye' };
