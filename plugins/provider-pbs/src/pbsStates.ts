// PBS Pro and Torque job states, and how they map to core's JobState. Internal.
import { JobState } from '@parsl-ts/core';
import type { PbsJobReport } from './qstatOutput.js';

/** Which scheduler's exit statuses to read. */
export type PbsFlavor = 'pbspro' | 'torque';

/** States before the end, one letter → core state (PBS Pro `qstat -f` and Torque). */
const ACTIVE: Readonly<Record<string, JobState>> = {
  Q: JobState.pending, // queued
  W: JobState.pending, // waiting for its start time (qsub -a) or a stage-in
  T: JobState.pending, // in transit to another server or queue
  M: JobState.pending, // PBS Pro: moved to another server, where it waits
  H: JobState.held, // held
  S: JobState.held, // suspended: it may resume
  U: JobState.held, // PBS Pro: suspended because the workstation is busy
  R: JobState.running,
  B: JobState.running, // PBS Pro array job: begun
  E: JobState.running, // exiting: the end is under way, not yet over
};

/** States of an ended job: F (PBS Pro, with -x), C (Torque), X (PBS Pro subjob expired). */
const ENDED = new Set(['F', 'C', 'X']);

/** Every state letter this provider knows, for tests and docs. */
export const PBS_STATE_LETTERS: readonly string[] = [...Object.keys(ACTIVE), ...ENDED];

/** PBS Pro: negative exit statuses for a job killed over a resource limit (pbs_error / job.h). */
const PBSPRO_KILLED: Readonly<Record<number, string>> = {
  [-24]: 'over its ncpus burst', [-25]: 'over its ncpus sum', [-26]: 'over its vmem', [-27]: 'over its mem',
  [-28]: 'over its cput', [-29]: 'at its walltime',
};
/** Torque: negative exit statuses for a job killed over a limit (JOB_EXEC_OVERLIMIT_*). */
const TORQUE_KILLED: Readonly<Record<number, string>> = { [-10]: 'over its mem', [-11]: 'at its walltime', [-12]: 'over its cput' };
const WALLTIME_CODE: Readonly<Record<PbsFlavor, number>> = { pbspro: -29, torque: -11 };

/** The outcome of mapping a report. */
export interface PbsMapped {
  readonly state: JobState;
  readonly message: string;
  readonly exitCode?: number;
}

/**
 * Map a qstat report to core's state. An ended job (F, C, X) is: `cancelled` when this provider
 * deleted it; `timeout` when its exit status says it was killed at its walltime, or it was killed
 * (negative status, or 256+signal) having used all of its walltime; `cancelled` when it was killed by
 * SIGTERM or SIGKILL otherwise (qdel from outside); `completed` for exit status 0, or when the
 * scheduler reports none (Slurm's wrappers show every ended job as C without one); `failed`
 * otherwise. A state letter it does not know is `unknown`.
 */
export function mapPbsState(report: PbsJobReport, flavor: PbsFlavor, cancelledByUs: boolean): PbsMapped {
  const letter = report.state.trim().charAt(0).toUpperCase();
  const comment = report.comment ? ` (${report.comment})` : '';
  const active = ACTIVE[letter];
  if (active !== undefined) {
    const what = active === JobState.pending ? 'queued' : active === JobState.held ? 'held' : 'running';
    return { state: active, message: `${what} (${letter})${comment}` };
  }
  if (!ENDED.has(letter)) return { state: JobState.unknown, message: `qstat reports state ${report.state}${comment}` };
  const status = report.exitStatus;
  if (cancelledByUs) return { state: JobState.cancelled, message: `deleted by this provider (${letter}${status !== undefined ? `, exit status ${status}` : ''})` };
  if (status === undefined) return { state: JobState.completed, message: `ended (${letter}); the scheduler reports no exit status${comment}` };
  if (status === 0) return { state: JobState.completed, message: `completed (${letter}, exit status 0)` };
  const signal = status > 256 ? status - 256 : undefined;
  const killed = status < 0 || signal !== undefined;
  const usedItAll = report.usedWalltime !== undefined && report.requestedWalltime !== undefined && report.usedWalltime >= report.requestedWalltime;
  if (status === WALLTIME_CODE[flavor] || (killed && usedItAll)) {
    return { state: JobState.timeout, message: `killed at its walltime (${letter}, exit status ${status})${comment}`, exitCode: status };
  }
  if (signal === 15 || signal === 9) {
    return { state: JobState.cancelled, message: `killed by signal ${signal}: deleted from outside, e.g. by qdel or an administrator (${letter}, exit status ${status})${comment}`, exitCode: status };
  }
  const limits = flavor === 'pbspro' ? PBSPRO_KILLED : TORQUE_KILLED;
  const why = limits[status] !== undefined ? `killed ${limits[status]}`
    : signal !== undefined ? `killed by signal ${signal}`
      : status < 0 ? `PBS could not run it (exit status ${status})` : `exit status ${status}`;
  return { state: JobState.failed, message: `failed (${letter}, ${why})${comment}`, exitCode: status };
}
