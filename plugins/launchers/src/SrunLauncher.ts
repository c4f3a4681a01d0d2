import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, finalCommand, overridesText, SLURM_PREAMBLE, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Starts the copies as the tasks of one Slurm job step:
 * `srun --ntasks <tasksPerNode × nodesPerBlock> --ntasks-per-node <tasksPerNode> [overrides] bash -c '<command>'`.
 * Each copy has `PARSL_LAUNCHER_RANK` (Slurm's `SLURM_PROCID`) and `PARSL_LAUNCHER_SIZE` in its
 * environment; the script exports `CORES` (`SLURM_CPUS_ON_NODE`) and `NODES`
 * (`SLURM_JOB_NUM_NODES`). Its exit status is srun's. Use inside a Slurm allocation (a
 * SlurmProvider block). As Parsl's `SrunLauncher`, with the command passed inline instead of
 * through a script file, so no shared file system is needed.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new SrunLauncher({ overrides: '--cpu-bind=none', debug: false }).wrap('parsl-ts-worker-pool', 2, 4);
 * // srun --ntasks 8 --ntasks-per-node 2 --cpu-bind=none bash -c '...parsl-ts-worker-pool'
 * ```
 */
export class SrunLauncher implements Launcher {
  /** `srun`. */
  readonly name = 'srun';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra srun arguments. */
  readonly overrides: string | readonly string[];

  constructor(options: LauncherOptions = {}) {
    checkOptions('SrunLauncher', options, { debug: 'boolean', overrides: 'overrides' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
  }

  /** The shell text that runs the copies with srun. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('SrunLauncher', command, tasksPerNode, nodesPerBlock);
    const copy = copyScript(command, '"${SLURM_PROCID:-0}"', copies);
    return [
      ...SLURM_PREAMBLE,
      ...debugEcho(this.debug, 'SrunLauncher', `$NODES node(s), $CORES core(s) per node, ${copies} task(s)`),
      ...finalCommand(this.debug, 'SrunLauncher', words(
        `srun --ntasks ${copies} --ntasks-per-node ${tasksPerNode}`, overridesText('SrunLauncher', this.overrides), `bash -c ${shellQuote(copy)}`,
      )),
    ].join('\n');
  }
}
