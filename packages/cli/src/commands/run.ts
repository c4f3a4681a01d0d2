/**
 * `parsl-ts run <workflow> [-- args...]`: import a workflow module (TypeScript or JavaScript) and
 * show the live progress of its tasks on stderr.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hooksRegistered, loadCore, type CoreModule } from '../core.js';
import { CliError, CliErrorCodes, formatError } from '../errors.js';
import { DataFlowKernelWatcher } from '../progress/DataFlowKernelWatcher.js';
import { PlainProgressRenderer, TtyProgressRenderer, type ProgressRenderer } from '../progress/ProgressRenderer.js';
import type { WatchedDataFlowKernel } from '../progress/RunTracker.js';

/**
 * Options of {@link runWorkflow}.
 *
 * @since 0.1.0
 */
export interface RunOptions {
  /** Show progress (default true). */
  readonly progress?: boolean;
  /** Seconds between plain progress lines when stderr is not a terminal (default 5). */
  readonly progressInterval?: number;
  /** Force the terminal display on or off (default: `process.stderr.isTTY`). */
  readonly tty?: boolean;
}

/**
 * File extensions `parsl-ts run` imports.
 *
 * @since 0.1.0
 */
export const WORKFLOW_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** How long a failing workflow's DataFlowKernel may take to clean up before the process exits. */
const CLEANUP_ON_FAILURE_MS = 10_000;

/**
 * Check that `file` is a workflow `parsl-ts run` can import; returns its absolute path.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * checkWorkflowFile('flow.ts'); // '/home/me/flow.ts', or throws PARSL_CLI_WORKFLOW_NOT_FOUND
 * ```
 */
export function checkWorkflowFile(file: string): string {
  const absolute = resolve(file);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    throw new CliError(CliErrorCodes.WorkflowNotFound, `workflow file ${file} does not exist (looked at ${absolute})`,
      'check the path; it is relative to the current directory');
  }
  if (!isFile) {
    throw new CliError(CliErrorCodes.WorkflowNotFound, `${file} is not a file`, 'pass the workflow module, e.g. parsl-ts run flow.ts');
  }
  if (!WORKFLOW_EXTENSIONS.includes(extname(absolute))) {
    throw new CliError(CliErrorCodes.WorkflowType, `${file}: parsl-ts run imports ${WORKFLOW_EXTENSIONS.join(', ')} files`,
      'rename the workflow to .ts or .js (use .mts or "type": "module" for top-level await)');
  }
  return absolute;
}

/**
 * Pick the progress display: a redrawn line on a terminal, plain lines otherwise.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const renderer = progressRenderer({ progressInterval: 5 });
 * ```
 */
export function progressRenderer(options: RunOptions): ProgressRenderer {
  const tty = options.tty ?? process.stderr.isTTY === true;
  if (tty) return new TtyProgressRenderer({ stream: process.stderr });
  return new PlainProgressRenderer({ intervalMs: (options.progressInterval ?? 5) * 1000 });
}

/**
 * Run a workflow module in this process, as `parsl-ts run` does: the workflow sees
 * `process.argv` as `[node, workflow, ...args]`, its DataFlowKernels are followed for progress,
 * and when it throws the error is printed (code and hint for parsl-ts errors), the current
 * DataFlowKernel is cleaned up and the process exits with status 1. Otherwise the process ends
 * when the workflow's work is done, with the workflow's exit code.
 *
 * Call it in a process started with the CLI's loader hooks (the `parsl-ts` binary does).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await runWorkflow('flow.ts', ['--n', '10'], { progress: true });
 * ```
 */
export async function runWorkflow(file: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  const absolute = checkWorkflowFile(file);
  if (!hooksRegistered()) await import('../loader/register.js');
  const { core } = await loadCore(dirname(absolute));
  process.argv = [process.argv[0] ?? process.execPath, absolute, ...args];

  let watcher: DataFlowKernelWatcher | undefined;
  if (options.progress ?? true) {
    watcher = new DataFlowKernelWatcher({ find: () => currentDfk(core), renderer: progressRenderer(options) });
    watcher.start();
    process.on('exit', () => watcher?.stop());
  }

  let failing = false;
  let interrupted: number | undefined; // the exit status, once a signal asked to stop
  const fail = async (error: unknown): Promise<void> => {
    // After Ctrl-C the workflow sees its tasks cancelled: that is the signal's doing, not an error.
    if (interrupted !== undefined) return;
    if (failing) return;
    failing = true;
    watcher?.stop();
    process.stderr.write(`${formatError(error)}\n`);
    await cleanupCurrent(core);
    process.exit(1);
  };
  // Ctrl-C / SIGTERM: clean the DataFlowKernel up before exiting, as Parsl does at exit, so the
  // command lines of bash apps (which run in their own process groups and do not get the
  // terminal's signal) are stopped too. A second signal exits at once. A workflow that handles
  // these signals itself keeps full control.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    const status = 128 + (signal === 'SIGINT' ? 2 : 15);
    if (interrupted !== undefined) process.exit(status);
    interrupted = status;
    watcher?.stop();
    if (currentDfk(core) === undefined) process.exit(status);
    process.stderr.write(`parsl-ts: ${signal}: cleaning up the DataFlowKernel (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to exit at once)\n`);
    void cleanupCurrent(core).then(() => process.exit(status));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Node's default for an uncaught error is to print it and exit 1. Keep that, but print it the
  // parsl-ts way (code and hint) — unless the workflow installed its own handlers.
  process.on('uncaughtException', (error) => {
    if (process.listenerCount('uncaughtException') === 1) void fail(error);
  });
  process.on('unhandledRejection', (reason) => {
    if (process.listenerCount('unhandledRejection') === 1) void fail(reason);
  });

  try {
    await import(pathToFileURL(absolute).href);
  } catch (error) {
    await fail(explainModuleFormat(error, absolute));
  }
}

/**
 * A `.ts`/`.js` workflow outside a `"type": "module"` package is loaded as CommonJS, where
 * top-level `await` (what every workflow uses) cannot work; Node's error does not say so.
 */
function explainModuleFormat(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown })?.code;
  const message = String((error as { message?: unknown })?.message ?? '');
  const cjsProblem = code === 'ERR_REQUIRE_CYCLE_MODULE' || code === 'ERR_REQUIRE_ASYNC_MODULE' ||
    /top-level await/i.test(message) && /cjs|commonjs/i.test(message);
  if (!cjsProblem || isModuleFile(file)) return error;
  return new CliError(CliErrorCodes.WorkflowType,
    `${file} is loaded as CommonJS, where top-level await does not work (${code ?? message.split('\n')[0]})`,
    'rename the workflow to .mts (or .mjs), or add "type": "module" to the package.json next to it', { cause: error });
}

function isModuleFile(file: string): boolean {
  const ext = extname(file);
  if (ext === '.mts' || ext === '.mjs') return true;
  if (ext === '.cts' || ext === '.cjs') return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string };
      return pkg.type === 'module';
    } catch {
      // no (readable) package.json here: look further up
    }
    if (dirname(dir) === dir) return false;
  }
}

/** Clean up the current DataFlowKernel, if any, waiting at most {@link CLEANUP_ON_FAILURE_MS}. */
async function cleanupCurrent(core: CoreModule): Promise<void> {
  const dfk = currentDfk(core) as (WatchedDataFlowKernel & { cleanup?: () => Promise<void> }) | undefined;
  if (!dfk || typeof dfk.cleanup !== 'function') return;
  const timeout = new Promise<void>((done) => setTimeout(done, CLEANUP_ON_FAILURE_MS).unref());
  await Promise.race([dfk.cleanup().catch(() => undefined), timeout]);
}

function currentDfk(core: CoreModule): WatchedDataFlowKernel | undefined {
  try {
    return core.currentDataFlowKernel() as unknown as WatchedDataFlowKernel;
  } catch {
    return undefined;
  }
}
