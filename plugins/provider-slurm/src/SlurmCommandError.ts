import { SchedulerCommandError, type SchedulerCommandResult } from '@parsl-ts/core';

/**
 * Raised when a Slurm command fails: `sbatch` refused a block (code `PARSL_PROVIDER_SUBMIT`), or
 * `squeue`, `scontrol` or `scancel` failed or printed something that cannot be read (code
 * `PARSL_PROVIDER_COMMAND`). A {@link SchedulerCommandError} of core: the message quotes the
 * command line, its exit status (or that it timed out, or could not be started) and what it
 * printed on stderr; the fields keep them for programs.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await provider.submit(command, 1, 'block-0'); } catch (e) {
 *   if (e instanceof SlurmCommandError) console.error(e.commandLine, e.exitCode, e.stderr);
 * }
 * ```
 */
export class SlurmCommandError extends SchedulerCommandError {}

/** The hint for a failed sbatch, from what it said. */
export function sbatchHint(result: SchedulerCommandResult): string {
  const text = `${result.stderr}\n${result.stdout}`;
  if (result.spawnError?.code === 'ENOENT') return 'sbatch is not on PATH: run the workflow where Slurm\'s client commands are installed (a login node)';
  if (result.timedOut) {
    return 'slurmctld did not answer in time; check `scontrol ping`, or raise cmdTimeout. A job may have been submitted anyway: look for it with squeue and cancel it';
  }
  if (/invalid partition/i.test(text)) return 'the partition does not exist or you may not use it: set partition to one that `sinfo -s` lists';
  if (/invalid account|invalid qos|association/i.test(text)) return 'set account and qos to ones you belong to (`sacctmgr show assoc user=$USER`)';
  if (/invalid feature|constraint/i.test(text)) return 'no node has the requested features: fix constraint (`sinfo -o "%N %f"` lists them)';
  if (/more processors requested|node count specification|requested node configuration is not available|cpu count per node|memory specification/i.test(text)) {
    return 'the partition cannot satisfy the request: lower nodesPerBlock, coresPerNode or memPerNode, or pick a partition with bigger nodes (`sinfo -N -l`)';
  }
  if (/time limit/i.test(text)) return 'the walltime is above the partition\'s limit: lower walltime (`sinfo -o "%P %l"` shows the limits)';
  return 'fix what sbatch says above (the submit script is named in the command line)';
}
