// The launcher SlurmProvider uses when it is given none: SrunLauncher of @parsl-ts/launchers in
// miniature (plugins do not import each other). Internal.
import { shellQuote, type Launcher } from '@parsl-ts/core';

/**
 * Runs `tasksPerNode × nodesPerBlock` copies of the command as the tasks of one srun step, each
 * as `bash -c '<command>'` with `PARSL_LAUNCHER_RANK` (`SLURM_PROCID`) and `PARSL_LAUNCHER_SIZE`;
 * `CORES` and `NODES` come from Slurm's environment. Its exit status is srun's.
 */
export const builtinSrunLauncher: Launcher = Object.freeze({
  name: 'srun (built in)',
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = tasksPerNode * nodesPerBlock;
    const copy = `export PARSL_LAUNCHER_RANK="\${SLURM_PROCID:-0}" PARSL_LAUNCHER_SIZE=${copies}\n${command}`;
    return [
      'export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}',
      'export NODES=${SLURM_JOB_NUM_NODES:-1}',
      `srun --ntasks ${copies} --ntasks-per-node ${tasksPerNode} bash -c ${shellQuote(copy)}`,
    ].join('\n');
  },
});
