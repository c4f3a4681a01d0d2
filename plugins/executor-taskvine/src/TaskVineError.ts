import { ParslError, type ErrorCode, type ParslErrorOptions } from '@parsl-ts/core';

/**
 * The error codes of `@parsl-ts/executor-taskvine` (listed with their fixes in its README). Codes
 * are stable and never reused.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * if (error.code === TaskVineErrorCodes.SidecarLost) console.error(error.message); // quotes the sidecar's stderr
 * ```
 */
export const TaskVineErrorCodes = {
  /** Neither `ndcctools.taskvine` nor `work_queue` can be imported by any Python found (or not the backend asked for). */
  BackendMissing: 'PARSL_TASKVINE_BACKEND_MISSING',
  /** The sidecar that hosts the manager exited or broke the protocol; every pending task fails with this. */
  SidecarLost: 'PARSL_TASKVINE_SIDECAR_LOST',
  /** The manager gave a task up (resource exhaustion, max retries, forsaken, input missing, refused). */
  TaskFailed: 'PARSL_TASKVINE_TASK_FAILED',
  /** The worker-side runner could not run a task (parsl-ts packages or the serializer missing where the worker runs). */
  RunnerFailed: 'PARSL_TASKVINE_RUNNER',
} as const;

/**
 * One of the {@link TaskVineErrorCodes}.
 *
 * @since 0.1.0
 */
export type TaskVineErrorCode = (typeof TaskVineErrorCodes)[keyof typeof TaskVineErrorCodes];

/**
 * An error of the TaskVine executor, its sidecar or its manager. `code` is one of
 * {@link TaskVineErrorCodes} or, for a protocol mismatch or a failed start, core's
 * `PARSL_PROTOCOL_MISMATCH` / `PARSL_EXECUTOR_START`; `hint` says what to do.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await future; } catch (e) {
 *   if (e instanceof TaskVineError) console.error(e.describe());
 * }
 * ```
 */
export class TaskVineError extends ParslError {
  /** The manager's result for the task (`resource exhaustion`, `max retries`...), when a task failed at the manager. */
  readonly managerResult: string | undefined;

  constructor(code: TaskVineErrorCode | ErrorCode, message: string, options: ParslErrorOptions & { managerResult?: string } = {}) {
    super(code, message, options);
    this.managerResult = options.managerResult;
  }
}
