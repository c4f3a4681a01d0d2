import { SchedulerCommandError, type SchedulerCommandResult } from '@parsl-ts/core';

/**
 * Raised when a PBS command fails: `qsub` refused a block (code `PARSL_PROVIDER_SUBMIT`), or
 * `qstat` or `qdel` failed or printed something that cannot be read (code
 * `PARSL_PROVIDER_COMMAND`). A {@link SchedulerCommandError} of core: the message quotes the
 * command line, its exit status (or that it timed out, or could not be started) and what it
 * printed — stderr, and stdout too, where Slurm's Torque wrappers print their errors.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await provider.submit(command, 1, 'block-0'); } catch (e) {
 *   if (e instanceof PbsCommandError) console.error(e.commandLine, e.exitCode, e.stderr || e.stdout);
 * }
 * ```
 */
export class PbsCommandError extends SchedulerCommandError {}

/** The hint for a failed qsub, from what it said (on stderr, or stdout for Slurm's wrapper). */
export function qsubHint(result: SchedulerCommandResult): string {
  const text = `${result.stderr}\n${result.stdout}`;
  if (result.spawnError?.code === 'ENOENT') return 'qsub is not on PATH: run the workflow where the PBS client commands are installed (a login node)';
  if (result.timedOut) return 'the PBS server did not answer in time; check `qstat -B`, or raise cmdTimeout. A job may have been submitted anyway: look for it with qstat and delete it';
  if (/unknown queue|invalid partition|queue.*(disabled|not enabled)/i.test(text)) return 'set queue to one that `qstat -Q` lists and that you may use';
  if (/account|project|allocation/i.test(text)) return 'set account to a project you belong to';
  if (/exceed|more processors|node count|resource|requested node configuration|can not be satisfied/i.test(text)) {
    return 'the queue cannot satisfy the request: lower nodesPerBlock, cpusPerNode or walltime, or pick another queue (`qstat -Qf` shows its limits)';
  }
  return 'fix what qsub says above (the submit script is named in the command line)';
}
