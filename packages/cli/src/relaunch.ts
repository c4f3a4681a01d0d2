/**
 * `parsl-ts run` and `parsl-ts perf` run their work in a child `node` started with
 * `--import <cli>/dist/loader/register.js` (and `--expose-gc` for perf). Hooks registered with
 * `--import` are inherited by the worker threads of the thread-pool executor, hooks registered at
 * run time are not (Node 20): that is what lets workers import `.ts` modules and the
 * `@parsl-ts/*` packages the CLI provides. The parent only waits, forwards signals and exits with
 * the child's status.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Set for the child so that it never relaunches itself again. */
const CHILD_ENV = 'PARSL_TS_CLI_CHILD';

/** Node flags that `--import` of the CLI's hooks and the extra flags given. */
function nodeFlags(extra: readonly string[]): string[] {
  const register = new URL('./loader/register.js', import.meta.url).href;
  return [...process.execArgv, '--import', register, ...extra];
}

/**
 * True in the child started by {@link relaunch}. The marker is removed from the environment
 * right away, so processes the workflow starts (a nested `parsl-ts run`) do not inherit it.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * if (!isRelaunchedChild()) return relaunch(['--expose-gc']);
 * ```
 */
export function isRelaunchedChild(): boolean {
  return childMarker;
}
const childMarker = process.env[CHILD_ENV] === '1';
delete process.env[CHILD_ENV];

/**
 * Run this same command line again in a child `node` with the CLI's loader hooks preloaded and
 * `extraFlags` (e.g. `--expose-gc`), stdio inherited. Resolves to the child's exit status; a child
 * killed by a signal re-raises that signal on this process.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.exitCode = await relaunch(['--expose-gc']);
 * ```
 */
export function relaunch(extraFlags: readonly string[] = []): Promise<number> {
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const child = spawn(process.execPath, [...nodeFlags(extraFlags), bin, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  // Ctrl-C on a terminal reaches the whole process group, so the child already has it; a SIGINT
  // sent to this process alone (kill -INT) is passed on. SIGTERM and SIGHUP are always passed on.
  const fromTerminal = process.stdin.isTTY === true;
  const forward = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGINT' && fromTerminal) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (signal) {
        process.kill(process.pid, signal);
        resolve(128 + (signalNumber(signal) ?? 1));
        return;
      }
      resolve(code ?? 1);
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (constants.signals as Partial<Record<NodeJS.Signals, number>>)[signal];
}
