import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppTimeout, BashExitFailure } from '../errors/taskErrors.js';
import type { Redirect } from '../interfaces/Executor.js';

/**
 * What to run and how, for {@link runBashCommand}.
 *
 * @since 0.1.0
 */
export interface BashCommand {
  /** The command line, run with `/bin/bash -c`. */
  readonly command: string;
  /** App name, for errors. */
  readonly appName: string;
  /** Where stdout goes (default: discarded). */
  readonly stdout?: Redirect;
  /** Where stderr goes (default: discarded). */
  readonly stderr?: Redirect;
  /** Kill the command after this many seconds. */
  readonly walltimeSeconds?: number;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. */
  readonly cwd?: string;
}

const running = new Set<ChildProcess>();
const KILL_GRACE_MS = 2000;

/**
 * Run a bash app's command line. Resolves to 0 on exit 0; rejects with BashExitFailure (with the
 * exit code; 128+n for signal n) or AppTimeout when the walltime is exceeded, after killing the
 * command's whole process group (SIGTERM, then SIGKILL after 2 s).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await runBashCommand({ command: 'echo hi', appName: 'echo', stdout: '/tmp/echo.out' }); // 0
 * ```
 */
export function runBashCommand(spec: BashCommand): Promise<number> {
  const out = openRedirect(spec.stdout);
  const err = spec.stderr !== undefined && sameTarget(spec.stdout, spec.stderr) ? out : openRedirect(spec.stderr);
  let child: ChildProcess;
  try {
    child = spawn('/bin/bash', ['-c', spec.command], {
      stdio: ['ignore', out ?? 'ignore', err ?? 'ignore'],
      detached: true, // own process group, so walltime and shutdown kill the whole tree
      env: spec.env ? { ...process.env, ...spec.env } : process.env,
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    });
  } finally {
    if (out !== undefined) closeSync(out);
    if (err !== undefined && err !== out) closeSync(err);
  }
  running.add(child);
  return new Promise<number>((resolve, reject) => {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (spec.walltimeSeconds !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        killTree(child);
      }, spec.walltimeSeconds * 1000);
    }
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      running.delete(child);
      reject(new BashExitFailure(spec.appName, 127, { cause: error, hint: 'bash could not be started: is /bin/bash installed?' }));
    });
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      running.delete(child);
      if (timedOut) {
        reject(new AppTimeout(spec.appName, spec.walltimeSeconds!));
        return;
      }
      const exitCode = code ?? 128 + signalNumber(signal);
      if (exitCode === 0) resolve(0);
      else reject(new BashExitFailure(spec.appName, exitCode, { hint: exitHint(spec) }));
    });
  });
}

/**
 * Kill every bash command still running in this process (their whole process groups).
 * Executors and workers call it when they shut down.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.on('SIGTERM', () => { killRunningBashCommands(); process.exit(143); });
 * ```
 */
export function killRunningBashCommands(): number {
  const count = running.size;
  for (const child of running) killTree(child);
  return count;
}

/**
 * Number of bash commands this process is running.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * runningBashCommands(); // 0 when idle
 * ```
 */
export function runningBashCommands(): number {
  return running.size;
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  signalGroup(pid, 'SIGTERM');
  const force = setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  force.unref();
  child.once('exit', () => {
    clearTimeout(force);
    // The shell is gone; make sure nothing it started lives on in its group.
    signalGroup(pid, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

function openRedirect(target: Redirect | undefined): number | undefined {
  if (target === undefined) return undefined;
  const [path, mode] = typeof target === 'string' ? [target, 'w'] : target;
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, mode === 'a' ? 'a' : 'w');
}

function sameTarget(a: Redirect | undefined, b: Redirect | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return (typeof a === 'string' ? a : a[0]) === (typeof b === 'string' ? b : b[0]);
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return signal ? table[signal] ?? 0 : 0;
}

function exitHint(spec: BashCommand): string {
  const files = [spec.stdout, spec.stderr].filter((r) => r !== undefined).map((r) => (typeof r === 'string' ? r : r[0]));
  if (files.length === 0) {
    return 'the command printed nothing that was kept: pass { stdout: AUTO_LOGNAME, stderr: AUTO_LOGNAME } (or paths) to see its output';
  }
  return `see what the command printed in ${[...new Set(files)].join(' and ')}`;
}
