import { ConfigError } from '../errors/usageErrors.js';
import { describeValue } from './describeValue.js';

/**
 * Refuse what no provider can submit: a command line that is not a string or is blank (path
 * `command`), and `tasksPerNode` that is not a whole number >= 1 (path `tasksPerNode`), each with
 * a {@link ConfigError} (`PARSL_INVALID_CONFIG`). Providers call it first in `submit`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
 *   checkSubmitArguments('MyProvider', command, tasksPerNode);
 *   // ...
 * }
 * ```
 */
export function checkSubmitArguments(owner: string, command: unknown, tasksPerNode: unknown): void {
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ConfigError(`${owner}.submit needs a command line, got ${describeValue(command)}`, { path: 'command', hint: 'pass the worker command' });
  }
  if (typeof tasksPerNode !== 'number' || !Number.isSafeInteger(tasksPerNode) || tasksPerNode < 1) {
    throw new ConfigError(`must be a whole number >= 1, got ${describeValue(tasksPerNode)}`, { path: 'tasksPerNode', hint: 'start at least one copy per node' });
  }
}
