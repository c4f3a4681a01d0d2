import { ParslError } from '../errors/ParslError.js';
import type { JobStatus } from '../interfaces/ExecutionProvider.js';

/**
 * The error code of {@link BlockFailuresError}. It is listed in `ErrorCodes` as `BlockFailures`;
 * spelled out here so the scaling modules stand on their own.
 */
const BLOCK_FAILURES_CODE = 'PARSL_BLOCK_FAILURES';

/**
 * One block that ended in a failure, as the job-status poller saw it.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const failure: BlockFailure = { blockId: '3', status: { state: 'failed', exitCode: 127 }, stderrTail: 'sh: worker: not found' };
 * ```
 */
export interface BlockFailure {
  /** The executor's id of the block. */
  readonly blockId: string;
  /** Its last status (state `failed` or `missing`, or `failed` for a submission that threw). */
  readonly status: JobStatus;
  /** The end of the block's stderr file, when the provider named one and it could be read. */
  readonly stderrTail?: string;
  /** The end of the block's stdout file, when the provider named one and it could be read. */
  readonly stdoutTail?: string;
}

/**
 * Raised (and handed to the executor's `setBadState` hook) when an executor's blocks keep failing:
 * several blocks in a row ended `failed` or `missing`, or could not be submitted at all. Parsl calls
 * this "bad state": the executor fails its pending tasks with this error instead of letting them
 * wait forever, and the strategy stops submitting blocks for it.
 *
 * Code `PARSL_BLOCK_FAILURES`. The message lists every failed block with its scheduler message, exit
 * code and the end of its stderr.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await future; } catch (e) {
 *   if (e instanceof BlockFailuresError) console.error(e.executor, e.failures.map((f) => f.status.message));
 * }
 * ```
 */
export class BlockFailuresError extends ParslError {
  /** Label of the executor whose blocks failed. */
  readonly executor: string;
  /** The failed blocks, oldest first. */
  readonly failures: readonly BlockFailure[];

  constructor(executor: string, failures: readonly BlockFailure[]) {
    super(BLOCK_FAILURES_CODE, `executor ${executor}: ${failures.length} blocks in a row failed, so it stopped starting blocks and fails its tasks:\n${describeFailures(failures)}`, {
      hint: 'the worker command fails where the blocks run: read the stderr shown above (and the executor\'s folder in the run directory), '
        + 'then check the provider settings (partition, account, walltime, worker init) and that the worker command is installed there',
    });
    this.executor = executor;
    this.failures = failures;
  }
}

function describeFailures(failures: readonly BlockFailure[]): string {
  return failures.map((f, i) => {
    const s = f.status;
    const lines = [`  ${i + 1}. block ${f.blockId}: ${s.state}${s.schedulerState ? ` (${s.schedulerState})` : ''}`
      + `${s.exitCode !== undefined ? `, exit code ${s.exitCode}` : ''}${s.message ? `: ${s.message}` : ''}`];
    if (f.stderrTail) lines.push(`     stderr${s.stderrPath ? ` (${s.stderrPath})` : ''}: ${indent(f.stderrTail)}`);
    else if (s.stderrPath) lines.push(`     stderr: ${s.stderrPath}`);
    if (f.stdoutTail) lines.push(`     stdout${s.stdoutPath ? ` (${s.stdoutPath})` : ''}: ${indent(f.stdoutTail)}`);
    return lines.join('\n');
  }).join('\n');
}

function indent(text: string): string {
  return text.trimEnd().split('\n').join('\n       ');
}
