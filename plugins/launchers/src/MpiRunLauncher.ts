import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, finalCommand, LOCAL_CORES, MPI_RANK, overridesText, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Options of {@link MpiRunLauncher}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: MpiRunLauncherOptions = { bashLocation: '/usr/bin/bash', overrides: '--oversubscribe' };
 * ```
 */
export interface MpiRunLauncherOptions extends LauncherOptions {
  /** The bash that mpirun starts on each node. Default `/bin/bash`. */
  readonly bashLocation?: string;
}

/**
 * Starts the copies with `mpirun -np <tasksPerNode × nodesPerBlock> [overrides] /bin/bash -c '<command>'`,
 * as Parsl's `MpiRunLauncher`. Each copy has `PARSL_LAUNCHER_RANK` (its MPI rank) and
 * `PARSL_LAUNCHER_SIZE`; the script exports `CORES`. Its exit status is mpirun's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new MpiRunLauncher({ debug: false }).wrap('parsl-ts-worker-pool', 2, 2);
 * // mpirun -np 4 /bin/bash -c '...'
 * ```
 */
export class MpiRunLauncher implements Launcher {
  /** `mpirun`. */
  readonly name = 'mpirun';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra mpirun arguments. */
  readonly overrides: string | readonly string[];
  /** The bash mpirun starts. */
  readonly bashLocation: string;

  constructor(options: MpiRunLauncherOptions = {}) {
    checkOptions('MpiRunLauncher', options, { debug: 'boolean', overrides: 'overrides', bashLocation: 'string' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
    this.bashLocation = options.bashLocation ?? '/bin/bash';
  }

  /** The shell text that runs the copies with mpirun. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('MpiRunLauncher', command, tasksPerNode, nodesPerBlock);
    return [
      LOCAL_CORES,
      ...debugEcho(this.debug, 'MpiRunLauncher', `$CORES core(s), ${copies} MPI rank(s)`),
      ...finalCommand(this.debug, 'MpiRunLauncher', words(
        `mpirun -np ${copies}`, overridesText('MpiRunLauncher', this.overrides), shellQuote(this.bashLocation),
        `-c ${shellQuote(copyScript(command, MPI_RANK, copies))}`,
      )),
    ].join('\n');
  }
}
