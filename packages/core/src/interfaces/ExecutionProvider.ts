import type { Logger } from '../dfk/logger.js';
import type { Launcher } from './Launcher.js';

/**
 * The states of a batch job (a block), as in Parsl's JobState.
 *
 * @since 0.1.0
 */
export const JobState = {
  unknown: 'unknown',
  pending: 'pending',
  running: 'running',
  held: 'held',
  cancelled: 'cancelled',
  completed: 'completed',
  failed: 'failed',
  timeout: 'timeout',
  missing: 'missing',
  scaledIn: 'scaled_in',
} as const;

/** One of the {@link JobState} values. */
export type JobState = (typeof JobState)[keyof typeof JobState];

/** Job states that never change again. */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set([
  JobState.cancelled, JobState.completed, JobState.failed, JobState.timeout, JobState.missing, JobState.scaledIn,
]);

/**
 * The status of a job, with whatever the scheduler said about it.
 *
 * @since 0.1.0
 */
export interface JobStatus {
  /** Normalized state. */
  readonly state: JobState;
  /** The scheduler's own state name (`PD`, `R`, `COMPLETED`, `Q`, ...). */
  readonly schedulerState?: string;
  /** Why it is in that state (pending reason, exit code, signal). */
  readonly message?: string;
  /** Exit code of the job, when known. */
  readonly exitCode?: number;
  /** Path of the job's stdout file, when known. */
  readonly stdoutPath?: string;
  /** Path of the job's stderr file, when known. */
  readonly stderrPath?: string;
}

/**
 * Gets compute resources from a batch scheduler or the local machine, in blocks. Each block is a
 * job that runs `command` through the provider's {@link Launcher}. Providers keep no worker logic;
 * they submit, poll and cancel. Implementations: `@parsl-ts/provider-local`, `-slurm`, `-pbs`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const jobId = await provider.submit('parsl-ts-worker-pool --url ws://...', 1, 'block-0');
 * const [status] = await provider.status([jobId]);
 * await provider.cancel([jobId]);
 * ```
 */
export interface ExecutionProvider {
  /** Short name, e.g. `slurm`. */
  readonly label: string;
  /** Blocks to start with. */
  readonly initBlocks: number;
  /** Blocks to keep even when idle. */
  readonly minBlocks: number;
  /** Never more blocks than this. */
  readonly maxBlocks: number;
  /** Ratio of (slots provisioned) to (tasks outstanding) the strategy aims for, 0..1. */
  readonly parallelism: number;
  /** Nodes per block. */
  readonly nodesPerBlock: number;
  /** Cores per node, when the provider knows. */
  readonly coresPerNode?: number;
  /** Memory per node in MB, when the provider knows. */
  readonly memPerNode?: number;
  /** Walltime of a block, in seconds. */
  readonly walltimeSeconds?: number;
  /** How often to poll job status, in seconds. */
  readonly statusPollingInterval: number;
  /** The launcher that wraps the worker command inside the job. */
  readonly launcher: Launcher;
  /** Submit a job that runs `command`; returns the scheduler's job id. */
  submit(command: string, tasksPerNode: number, jobName: string): Promise<string>;
  /** Status of jobs, in the same order as `jobIds` (one scheduler call for all of them). */
  status(jobIds: readonly string[]): Promise<JobStatus[]>;
  /** Cancel jobs; true for each job that was cancelled or had already ended. */
  cancel(jobIds: readonly string[]): Promise<boolean[]>;
  /** Called once by the executor before the first submit: where to write submit scripts and logs. */
  init?(context: { readonly runDir: string; readonly logger?: Logger }): void | Promise<void>;
  /** Cancel every job this provider started (executor shutdown); bounded. */
  cancelAll?(): Promise<unknown>;
}
