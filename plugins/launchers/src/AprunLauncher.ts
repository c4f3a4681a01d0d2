import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, finalCommand, overridesText, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Starts the copies with Cray ALPS, as Parsl's `AprunLauncher`:
 * `aprun -n <tasksPerNode × nodesPerBlock> -N <tasksPerNode> [overrides] /bin/bash -c '<command>'`.
 * Each copy has `PARSL_LAUNCHER_RANK` (ALPS's `ALPS_APP_PE`) and `PARSL_LAUNCHER_SIZE`. Its exit
 * status is aprun's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new AprunLauncher({ overrides: '-cc none', debug: false }).wrap('parsl-ts-worker-pool', 1, 4);
 * // aprun -n 4 -N 1 -cc none /bin/bash -c '...'
 * ```
 */
export class AprunLauncher implements Launcher {
  /** `aprun`. */
  readonly name = 'aprun';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra aprun arguments. */
  readonly overrides: string | readonly string[];

  constructor(options: LauncherOptions = {}) {
    checkOptions('AprunLauncher', options, { debug: 'boolean', overrides: 'overrides' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
  }

  /** The shell text that runs the copies with aprun. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('AprunLauncher', command, tasksPerNode, nodesPerBlock);
    return [
      ...debugEcho(this.debug, 'AprunLauncher', `${copies} process(es), ${tasksPerNode} per node`),
      ...finalCommand(this.debug, 'AprunLauncher', words(
        `aprun -n ${copies} -N ${tasksPerNode}`, overridesText('AprunLauncher', this.overrides),
        `/bin/bash -c ${shellQuote(copyScript(command, '"${ALPS_APP_PE:-0}"', copies))}`,
      )),
    ].join('\n');
  }
}
