import type { Launcher } from '@parsl-ts/core';
import { checkOptions, checkShape } from './script.js';

/**
 * Options of {@link SimpleLauncher}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: SimpleLauncherOptions = { debug: false };
 * ```
 */
export interface SimpleLauncherOptions {
  /** Accepted for symmetry with the other launchers; the command is not changed. Default `true`. */
  readonly debug?: boolean;
}

/**
 * Runs the command once, as it is: no copies, no environment. Use it when the command starts its
 * own workers on every node (an MPI-aware worker pool), or for a block of one worker. When asked
 * for more than one task per node or more than one node it still runs one copy and says so on
 * stderr, as Parsl's `SimpleLauncher` warns.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new SimpleLauncher().wrap('parsl-ts-worker-pool --url ws://...', 1, 1); // the command itself
 * ```
 */
export class SimpleLauncher implements Launcher {
  /** `simple`. */
  readonly name = 'simple';
  /** Unused; kept for symmetry with the other launchers. */
  readonly debug: boolean;

  constructor(options: SimpleLauncherOptions = {}) {
    checkOptions('SimpleLauncher', options, { debug: 'boolean' });
    this.debug = options.debug ?? true;
  }

  /** The command, preceded by a warning on stderr when more than one copy was asked for. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    checkShape('SimpleLauncher', command, tasksPerNode, nodesPerBlock);
    if (tasksPerNode === 1 && nodesPerBlock === 1) return command;
    return [
      `echo 'parsl-ts SimpleLauncher: runs one copy of the command, but ${tasksPerNode} task(s) per node on ${nodesPerBlock} node(s) were asked for: you may get fewer workers than expected' >&2`,
      command,
    ].join('\n');
  }
}
