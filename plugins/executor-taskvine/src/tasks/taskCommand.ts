import { RUN_FLAG, RunnerExit, SANDBOX_NAMES } from '../runner/runner.js';
import { shellQuote } from '../shellQuote.js';

/** Seconds between the TERM and the KILL that end a command over its walltime. */
const KILL_AFTER_SECONDS = 5;

/**
 * `exec timeout ...` keeps the command's process id, so it stays the leader of the process group
 * the worker made for the task: cancelling the task still kills everything it started, and
 * `timeout` itself kills the whole group at the walltime (exit code 124).
 */
function withWalltime(walltimeSeconds: number | undefined): string {
  return walltimeSeconds !== undefined && walltimeSeconds > 0 ? `timeout -k ${KILL_AFTER_SECONDS} ${Math.ceil(walltimeSeconds)} ` : '';
}

/**
 * The worker's own descriptors (its connection to the manager among them) leak into the tasks it
 * starts, with this Debian build of cctools: a task that outlives its worker would keep that
 * connection open, and the manager would not notice the worker is gone until the task ends. Every
 * task command closes descriptors 3 to 9 first (where the leaked ones are; a POSIX shell names no
 * higher ones, and dash keeps its own above 9).
 */
const CLOSE_INHERITED = 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-;';

/**
 * The shell command of a JavaScript task. On a worker started by a parsl-ts block, the task hands
 * its sandbox to the block's runner pool through FIFOs and exits with the pool's answer; anywhere
 * else (a worker from the factory or started by hand) it runs the shipped runner with Node.js.
 * Either way the runner writes `parsl-ts.result` in the sandbox.
 */
export function functionTaskCommand(walltimeSeconds: number | undefined, node: string): string {
  const walltime = walltimeSeconds !== undefined && walltimeSeconds > 0 ? Math.ceil(walltimeSeconds) : 0;
  // The pool opens the reply FIFO for writing as soon as it reads the request and holds it until it
  // answers: the task's `read` returns the exit code, or end of file if the pool dies.
  const pool = [
    `mkfifo ${SANDBOX_NAMES.reply}`,
    `printf '%s %s %s\\n' "$$" ${walltime} "$PWD" > "$PARSL_TS_TASKVINE_POOL"`,
    `exec 3<${SANDBOX_NAMES.reply}`,
    'read c <&3',
  ].join(' && ');
  const direct = `exec ${withWalltime(walltimeSeconds)}${shellQuote(node)} ${SANDBOX_NAMES.runner} ${RUN_FLAG} 2>&1`;
  return `${CLOSE_INHERITED} if [ -n "\${PARSL_TS_TASKVINE_POOL:-}" ] && [ -p "$PARSL_TS_TASKVINE_POOL" ]; then ${pool}; exit "\${c:-${RunnerExit.processLost}}"; else ${direct}; fi`;
}

/** Where a bash app's stream goes in its command: a file and whether to append. */
export interface StreamTarget {
  readonly path: string;
  readonly append: boolean;
}

/**
 * The shell command of a bash app: its command line, run by bash in the task's sandbox, with its
 * stdout and stderr redirected and its walltime enforced.
 */
export function bashTaskCommand(commandLine: string, options: { walltimeSeconds?: number | undefined; stdout?: StreamTarget | undefined; stderr?: StreamTarget | undefined }): string {
  const { stdout, stderr } = options;
  let redirect = '';
  if (stdout) redirect += ` ${stdout.append ? '>>' : '>'} ${shellQuote(stdout.path)}`;
  if (stderr) {
    redirect += stdout && stdout.path === stderr.path ? ' 2>&1' : ` 2${stderr.append ? '>>' : '>'} ${shellQuote(stderr.path)}`;
  }
  // stdin from /dev/null, as core's bash apps have it: a task must not read the worker's stdin, and
  // bash sources ~/.bashrc even for `bash -c` when its stdin is a socket and SHLVL is unset.
  return `${CLOSE_INHERITED} exec ${withWalltime(options.walltimeSeconds)}bash -c ${shellQuote(commandLine)} </dev/null${redirect}`;
}
