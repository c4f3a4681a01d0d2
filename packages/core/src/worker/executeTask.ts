import { runBashCommand } from '../bash/runBashCommand.js';
import { ErrorCodes } from '../errors/codes.js';
import { UsageError } from '../errors/usageErrors.js';
import type { ExecutorTask } from '../interfaces/Executor.js';
import { runWithInTaskStaging } from '../staging/inTaskStaging.js';
import { cachedShippedFunction, resolveShippedFunction, type ResolveOptions } from './resolveShippedFunction.js';

/**
 * Run one task on a worker: re-create its function, call it with the arguments and, for a bash
 * app, run the command line it returns; a task with in-task staging steps has its files staged in
 * before and out after (`task.staging`). Resolves to the app's result (0 for bash apps); rejects
 * with the app's own error or a coded parsl-ts error. Shared by every executor's worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const value = await executeTask(task, { importModule: (u) => import(u) });
 * ```
 */
export async function executeTask(task: ExecutorTask, options: ResolveOptions = {}): Promise<unknown> {
  if (task.staging !== undefined) return runWithInTaskStaging(task, task.staging, () => executeTask({ ...task, staging: undefined }, options));
  const fn = cachedShippedFunction(task.fn) ?? await resolveShippedFunction(task.fn, options);
  const value = await fn(...task.args);
  if (task.kind !== 'bash') return value;
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new UsageError(ErrorCodes.BashBadCommand, `bash app ${task.appName} returned ${typeof value === 'string' ? 'an empty string' : `a ${typeof value}`}, not a command line`, {
      hint: 'a bash app\'s function must return the command to run as a string, e.g. `(n) => `echo ${n}``',
    });
  }
  return runBashCommand({
    command: value, appName: task.appName,
    ...(task.stdout !== undefined ? { stdout: task.stdout } : {}),
    ...(task.stderr !== undefined ? { stderr: task.stderr } : {}),
    ...(task.walltimeSeconds !== undefined ? { walltimeSeconds: task.walltimeSeconds } : {}),
    ...(task.env !== undefined ? { env: task.env } : {}),
  });
}
