// Slurm job states and how they map to core's JobState. Internal.
import { JobState } from '@parsl-ts/core';

/**
 * Every job state Slurm reports (squeue's `%T` / `%t`, `scontrol show job`'s `JobState`), long
 * name → [short code, core state], with why for the ones that need it.
 */
const STATES: Readonly<Record<string, readonly [string, JobState]>> = {
  PENDING: ['PD', JobState.pending],
  CONFIGURING: ['CF', JobState.pending], // nodes allocated, booting/configuring: not running yet
  REQUEUED: ['RQ', JobState.pending], // put back in the queue; it will run again
  REQUEUE_FED: ['RF', JobState.pending],
  RUNNING: ['R', JobState.running],
  COMPLETING: ['CG', JobState.running], // processes still ending; terminal once they have (as Parsl)
  RESIZING: ['RS', JobState.running],
  SIGNALING: ['SI', JobState.running],
  STAGE_OUT: ['SO', JobState.running],
  SUSPENDED: ['S', JobState.held], // stopped, may resume
  STOPPED: ['ST', JobState.held],
  REQUEUE_HOLD: ['RH', JobState.held],
  RESV_DEL_HOLD: ['RD', JobState.held],
  COMPLETED: ['CD', JobState.completed],
  CANCELLED: ['CA', JobState.cancelled],
  PREEMPTED: ['PR', JobState.cancelled], // ended by the scheduler for another job, not by its own fault
  FAILED: ['F', JobState.failed],
  NODE_FAIL: ['NF', JobState.failed],
  BOOT_FAIL: ['BF', JobState.failed],
  OUT_OF_MEMORY: ['OOM', JobState.failed],
  REVOKED: ['RV', JobState.failed], // federation: another cluster runs it; this copy will not
  SPECIAL_EXIT: ['SE', JobState.failed],
  TIMEOUT: ['TO', JobState.timeout],
  DEADLINE: ['DL', JobState.timeout],
};

const BY_SHORT: ReadonlyMap<string, [string, JobState]> = new Map(
  Object.entries(STATES).map(([long, [short, state]]) => [short, [long, state]]),
);

/** Pending reasons that mean "held" (released only by `scontrol release`). */
const HELD_REASONS = new Set(['JobHeldUser', 'JobHeldAdmin', 'BeginTime_Held', 'Held']);

/** The long Slurm names of every state, for tests and docs. */
export const SLURM_STATE_NAMES: readonly string[] = Object.keys(STATES);

/**
 * Map a Slurm state (long `RUNNING` or short `R`; a suffix such as `CANCELLED by 0` or `+` is
 * ignored) and its reason to core's state; `unknown` for a state this table does not know.
 * A pending job whose reason is a hold is `held`.
 */
export function mapSlurmState(state: string, reason?: string): { state: JobState; long: string } {
  const word = state.trim().split(/[\s+]/)[0]!.toUpperCase();
  const long = STATES[word] ? word : BY_SHORT.get(word)?.[0];
  if (long === undefined) return { state: JobState.unknown, long: word };
  const mapped = STATES[long]![1];
  if (mapped === JobState.pending && reason !== undefined && HELD_REASONS.has(reason)) return { state: JobState.held, long };
  return { state: mapped, long };
}
