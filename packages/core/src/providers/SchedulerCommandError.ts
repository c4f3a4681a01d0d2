import type { ErrorCode } from '../errors/codes.js';
import { ParslError } from '../errors/ParslError.js';
import type { SchedulerCommandResult } from './runSchedulerCommand.js';

/**
 * Raised when a scheduler's client command fails: the submit command refused a block (code
 * `PARSL_PROVIDER_SUBMIT`), or a status or cancel command failed or printed something that
 * cannot be read (code `PARSL_PROVIDER_COMMAND`). The message quotes the command line, its exit
 * status (or that it timed out, was killed, or could not be started) and the first lines it
 * printed on stderr and stdout; the fields keep them for programs. Providers subclass it
 * (`SlurmCommandError`, `PbsCommandError`) so that users can tell schedulers apart.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const result = await runSchedulerCommand('qdel', ids, { timeoutMs: 30_000 });
 * if (result.exitCode !== 0) {
 *   throw new SchedulerCommandError(ErrorCodes.ProviderCommand, `qdel failed for job(s) ${ids.join(', ')}`, result,
 *     'check that the PBS server answers (`qstat -B`)');
 * }
 * ```
 */
export class SchedulerCommandError extends ParslError {
  /** The command line, as it could be pasted into a shell. */
  readonly commandLine: string;
  /** Its exit status; null when it timed out, was killed, or could not be started. */
  readonly exitCode: number | null;
  /** What it printed on stderr. */
  readonly stderr: string;
  /** What it printed on stdout. */
  readonly stdout: string;

  /**
   * @param code - `ErrorCodes.ProviderSubmit` or `ErrorCodes.ProviderCommand`.
   * @param what - What failed, e.g. `sbatch refused the block block-0`; the message starts with it.
   * @param result - The command's result; a spawn error becomes the `cause`.
   * @param hint - What the user should do.
   */
  constructor(code: ErrorCode, what: string, result: SchedulerCommandResult, hint: string) {
    super(code, `${what}: ${outcome(result)}\n  command: ${result.commandLine}${printed(result)}`, {
      hint, ...(result.spawnError ? { cause: result.spawnError } : {}),
    });
    this.commandLine = result.commandLine;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.stdout = result.stdout;
  }
}

function outcome(result: SchedulerCommandResult): string {
  if (result.spawnError) return `it could not be started (${result.spawnError.code ?? result.spawnError.message})`;
  if (result.timedOut) return 'it did not finish within its time limit and was killed';
  if (result.exitCode === null) return `it was killed by ${result.signal ?? 'a signal'}`;
  return `it exited with status ${result.exitCode}`;
}

function printed(result: SchedulerCommandResult): string {
  const parts: string[] = [];
  if (result.stderr.trim() !== '') parts.push(`  stderr: ${firstLines(result.stderr).replace(/\n/g, '\n          ')}`);
  if (result.stdout.trim() !== '') parts.push(`  stdout: ${firstLines(result.stdout).replace(/\n/g, '\n          ')}`);
  return parts.length === 0 ? '\n  (it printed nothing)' : `\n${parts.join('\n')}`;
}

/** The first `lines` lines of `text`, and how many more there were: scheduler output can be long. */
function firstLines(text: string, lines = 8): string {
  const all = text.trim().split('\n');
  return all.length <= lines ? all.join('\n') : `${all.slice(0, lines).join('\n')}\n... (${all.length - lines} more lines)`;
}
