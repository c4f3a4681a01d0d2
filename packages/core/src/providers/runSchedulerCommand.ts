import { spawn } from 'node:child_process';
import { shellQuote } from './shellQuote.js';

/**
 * What a scheduler command did: its command line, exit status or signal, what it printed, and
 * whether it ran past its time limit or could not be started. {@link runSchedulerCommand} makes
 * one; {@link SchedulerCommandError} quotes it.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const result: SchedulerCommandResult = await runSchedulerCommand('squeue', ['--me'], { timeoutMs: 30_000 });
 * if (result.exitCode !== 0) console.error(result.commandLine, result.stderr);
 * ```
 */
export interface SchedulerCommandResult {
  /** The command line as a user could paste it into a shell. */
  readonly commandLine: string;
  /** Exit status, or null when it was killed by a signal or never started. */
  readonly exitCode: number | null;
  /** The signal that killed it (our timeout's, or another). */
  readonly signal: NodeJS.Signals | null;
  /** What it printed on stdout (at most 16 MiB of stdout and stderr together are kept). */
  readonly stdout: string;
  /** What it printed on stderr. */
  readonly stderr: string;
  /** True when it ran past its time limit and was killed. */
  readonly timedOut: boolean;
  /** Set when the program could not be started at all (ENOENT: not installed). */
  readonly spawnError?: NodeJS.ErrnoException;
}

/**
 * Options of {@link runSchedulerCommand}.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const options: SchedulerCommandOptions = { timeoutMs: 30_000, cwd: '/tmp' };
 * ```
 */
export interface SchedulerCommandOptions {
  /** Milliseconds the command may run before its process group gets SIGTERM (then SIGKILL 2 s later). */
  readonly timeoutMs: number;
  /** Working directory. Default: this process's. */
  readonly cwd?: string;
  /** Environment. Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Output past this many bytes is dropped (a scheduler's answer for one provider's jobs is small). */
const MAX_OUTPUT = 16 * 1024 * 1024;
/** After SIGTERM at the time limit, SIGKILL follows this much later. */
const KILL_AFTER_MS = 2000;

/**
 * Run a scheduler's client command (`sbatch`, `squeue`, `qsub`, ...): `program args...` without a
 * shell, stdin closed, in a process group of its own, with stdout and stderr captured. Resolves,
 * never rejects: a program that is missing, fails, or runs past `timeoutMs` (SIGTERM to its
 * group, then SIGKILL) is reported in the result. Resolves at most `timeoutMs` + 3 s after the
 * call, even when a grandchild keeps the pipes open.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const result = await runSchedulerCommand('sbatch', ['--parsable', script], { timeoutMs: 30_000 });
 * if (result.exitCode !== 0) throw new SchedulerCommandError(ErrorCodes.ProviderSubmit, 'sbatch refused the block', result, 'see stderr');
 * ```
 */
export function runSchedulerCommand(program: string, args: readonly string[], options: SchedulerCommandOptions): Promise<SchedulerCommandResult> {
  const commandLine = [program, ...args].map(shellQuote).join(' ');
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let settled = false;
    // Its own process group, so that a time limit stops whatever it started too (a wrapper script's children).
    const child = spawn(program, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal); // the group is gone already
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer): void => {
      if (size >= MAX_OUTPUT) return;
      size += chunk.length;
      into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(giveUp);
      resolve({
        commandLine, exitCode, signal, timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'),
        ...(spawnError ? { spawnError } : {}),
      });
    };
    let killTimer: NodeJS.Timeout | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
      // If the pipes never close (a grandchild holds them), stop waiting anyway.
      giveUp = setTimeout(() => finish(child.exitCode, child.signalCode ?? 'SIGKILL'), KILL_AFTER_MS + 1000);
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => finish(null, null, error));
    child.once('close', (code, signal) => finish(code, signal));
  });
}
