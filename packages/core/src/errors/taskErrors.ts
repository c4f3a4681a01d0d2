import { ErrorCodes } from './codes.js';
import { ParslError, type ParslErrorOptions } from './ParslError.js';

/**
 * Raised for a task whose dependency (a future among its arguments) failed.
 * Names the root cause: the first task in the chain that failed on its own.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const a = failing(); const b = double(a);
 * await b.catch((e: DependencyError) => console.log(e.rootTaskId, e.rootCause));
 * ```
 */
export class DependencyError extends ParslError {
  /** The task whose dependencies failed. */
  readonly taskId: number;
  /** The ids of the dependencies that failed directly. */
  readonly failedDependencies: number[];
  /** The id of the task that failed first (its own error, not a dependency failure). */
  readonly rootTaskId: number;
  /** The error of the root task. */
  readonly rootCause: unknown;

  constructor(taskId: number, failedDependencies: number[], rootTaskId: number, rootCause: unknown) {
    const causeText = rootCause instanceof Error ? `${rootCause.name}: ${rootCause.message}` : String(rootCause);
    super(ErrorCodes.DependencyFailed,
      `task ${taskId} was not run because its dependency failed: task ${rootTaskId} raised ${causeText}`, {
        cause: rootCause,
        hint: `fix task ${rootTaskId} (see its error above); tasks that depend on it fail with this error`,
      });
    this.taskId = taskId;
    this.failedDependencies = failedDependencies;
    this.rootTaskId = rootTaskId;
    this.rootCause = rootCause;
  }
}

/**
 * Raised when a bash app's command exits with a non-zero status.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await bashApp(() => 'exit 3')().catch((e: BashExitFailure) => e.exitCode); // 3
 * ```
 */
export class BashExitFailure extends ParslError {
  /** The command's exit status (128 + n when it was killed by signal n). */
  readonly exitCode: number;
  /** The app's name. */
  readonly appName: string;

  constructor(appName: string, exitCode: number, options: ParslErrorOptions = {}) {
    super(ErrorCodes.BashExitFailure, `bash app ${appName} failed with exit code ${exitCode}`, {
      hint: options.hint ?? 'look at the stdout/stderr files of the task to see what the command printed',
      ...options,
    });
    this.exitCode = exitCode;
    this.appName = appName;
  }
}

/**
 * Raised when an app runs longer than its `walltime`. The command or the worker running it is killed.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const slow = bashApp(() => 'sleep 60', { walltime: 1 });
 * await slow().catch((e) => e instanceof AppTimeout); // true
 * ```
 */
export class AppTimeout extends ParslError {
  /** The walltime that was exceeded, in seconds. */
  readonly walltimeSeconds: number;

  constructor(appName: string, walltimeSeconds: number, options: ParslErrorOptions = {}) {
    super(ErrorCodes.AppTimeout, `app ${appName} exceeded its walltime of ${walltimeSeconds} s and was killed`, {
      hint: 'raise the walltime option of the app, or make the work smaller',
      ...options,
    });
    this.walltimeSeconds = walltimeSeconds;
  }
}

/**
 * Raised when a task is cancelled before it finished, for example because the DataFlowKernel was
 * cleaned up while it was still pending.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const f = slow(); await dfk.cleanup(); await f.catch((e) => e.code); // 'PARSL_TASK_CANCELLED'
 * ```
 */
export class TaskCancelled extends ParslError {
  constructor(taskId: number, reason: string) {
    super(ErrorCodes.TaskCancelled, `task ${taskId} was cancelled: ${reason}`, {
      hint: 'await your futures (or call dfk.waitForCurrentTasks()) before cleanup()',
    });
  }
}

/**
 * Raised when the worker running a task died (crashed, was killed, ran out of memory).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const crash = app(() => process.exit(1)); await crash().catch((e) => e.code); // 'PARSL_WORKER_LOST'
 * ```
 */
export class WorkerLost extends ParslError {
  constructor(taskId: number, detail: string, options: ParslErrorOptions = {}) {
    super(ErrorCodes.WorkerLost, `the worker running task ${taskId} was lost: ${detail}`, {
      hint: 'the task may have crashed its worker (process.exit, out of memory); set retries to run it again',
      ...options,
    });
  }
}

/**
 * Raised for the tasks of a worker manager (the worker pool of one node) that was lost: its
 * process was killed, its node went away, or it stopped sending heartbeats.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const handler: RetryHandler = (e) => (e instanceof ManagerLost ? 0 : 1); // retry lost managers for free
 * ```
 */
export class ManagerLost extends ParslError {
  /** The lost manager's id. */
  readonly managerId: string;

  constructor(taskId: number, managerId: string, detail: string, options: ParslErrorOptions = {}) {
    super(ErrorCodes.ManagerLost, `task ${taskId} was lost with worker manager ${managerId}: ${detail}`, {
      hint: 'the node or its worker pool died (killed, out of memory, walltime); set retries to run the task elsewhere',
      ...options,
    });
    this.managerId = managerId;
  }
}

/**
 * Raised for every pending task when an executor's interchange process dies or stops answering.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await future.catch((e) => e.code === 'PARSL_INTERCHANGE_LOST');
 * ```
 */
export class InterchangeLost extends ParslError {
  constructor(taskId: number, detail: string, options: ParslErrorOptions = {}) {
    super(ErrorCodes.InterchangeLost, `task ${taskId} was lost with the interchange: ${detail}`, {
      hint: 'see interchange.log in the executor\'s run directory; the executor cannot run tasks until the workflow is restarted',
      ...options,
    });
  }
}
