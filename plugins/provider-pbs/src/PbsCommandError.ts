import { ParslError, type ErrorCode } from '@parsl-ts/core';
import { firstLines, type CommandResult } from './runCommand.js';

/**
 * Raised when a PBS command fails: `qsub` refused a block (code `PARSL_PROVIDER_SUBMIT`), or
 * `qstat` or `qdel` failed or printed something that cannot be read (code
 * `PARSL_PROVIDER_COMMAND`). The message quotes the command line, its exit status (or that it
 * timed out, or could not be started) and what it printed — stderr, and stdout too, where Slurm's
 * Torque wrappers print their errors.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await provider.submit(command, 1, 'block-0'); } catch (e) {
 *   if (e instanceof PbsCommandError) console.error(e.commandLine, e.exitCode, e.stderr || e.stdout);
 * }
 * ```
 */
export class PbsCommandError extends ParslError {
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

/** The hint for a failed qsub, from what it said (on stderr, or stdout for Slurm's wrapper). */
export function qsubHint(result: CommandResult): string {
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
