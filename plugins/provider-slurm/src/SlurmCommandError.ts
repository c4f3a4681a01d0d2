import { ErrorCodes, ParslError, type ErrorCode } from '@parsl-ts/core';
import { firstLines, type CommandResult } from './runCommand.js';

/**
 * Raised when a Slurm command fails: `sbatch` refused a block (code `PARSL_PROVIDER_SUBMIT`), or
 * `squeue`, `scontrol` or `scancel` failed or printed something that cannot be read (code
 * `PARSL_PROVIDER_COMMAND`). The message quotes the command line, its exit status (or that it
 * timed out, or could not be started) and what it printed on stderr; the fields keep them for
 * programs.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await provider.submit(command, 1, 'block-0'); } catch (e) {
 *   if (e instanceof SlurmCommandError) console.error(e.commandLine, e.exitCode, e.stderr);
 * }
 * ```
 */
export class SlurmCommandError extends ParslError {
  /** The command line, as it could be pasted into a shell. */
  readonly commandLine: string;
  /** Its exit status; null when it timed out, was killed, or could not be started. */
  readonly exitCode: number | null;
  /** What it printed on stderr. */
  readonly stderr: string;
  /** What it printed on stdout. */
  readonly stdout: string;

  /** @internal Built by the provider from a command's result. */
  constructor(code: ErrorCode, what: string, result: CommandResult, hint: string) {
    super(code, `${what}: ${outcome(result)}\n  command: ${result.commandLine}${printed(result)}`, {
      hint, ...(result.spawnError ? { cause: result.spawnError } : {}),
    });
    this.commandLine = result.commandLine;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.stdout = result.stdout;
  }
}

function outcome(result: CommandResult): string {
  if (result.spawnError) return `it could not be started (${result.spawnError.code ?? result.spawnError.message})`;
  if (result.timedOut) return 'it did not finish within its time limit and was killed';
  if (result.exitCode === null) return `it was killed by ${result.signal ?? 'a signal'}`;
  return `it exited with status ${result.exitCode}`;
}

function printed(result: CommandResult): string {
  const parts: string[] = [];
  if (result.stderr.trim() !== '') parts.push(`  stderr: ${firstLines(result.stderr).replace(/\n/g, '\n          ')}`);
  if (result.stdout.trim() !== '') parts.push(`  stdout: ${firstLines(result.stdout).replace(/\n/g, '\n          ')}`);
  return parts.length === 0 ? '\n  (it printed nothing)' : `\n${parts.join('\n')}`;
}

/** The hint for a failed sbatch, from what it said. */
export function sbatchHint(result: CommandResult): string {
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
