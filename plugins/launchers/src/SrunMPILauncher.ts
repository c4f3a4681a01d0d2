import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import {
  checkOptions, checkShape, copyScript, debugEcho, overridesText, SLURM_PREAMBLE, startCopies, waitForCopies, words,
} from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Starts each copy with its own `srun`, so that each gets its own share of the allocation and
 * can launch MPI applications in it, as Parsl's `SrunMPILauncher`. With more copies than nodes,
 * each copy's step gets `NODES × CORES / copies` tasks (`srun --ntasks <share>`); otherwise each
 * gets `NODES / copies` whole nodes, one task on each (`srun --exclusive --nodes <share> --ntasks <share>`). As in Parsl, the command
 * runs once per task of its step. Every step has `PARSL_LAUNCHER_RANK` (the copy's index) and
 * `PARSL_LAUNCHER_SIZE`; the launcher waits for all steps and ends with the status of the first
 * that failed.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new SrunMPILauncher({ debug: false }).wrap('parsl-ts-worker-pool', 2, 4); // 8 srun steps
 * ```
 */
export class SrunMPILauncher implements Launcher {
  /** `srun-mpi`. */
  readonly name = 'srun-mpi';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra srun arguments. */
  readonly overrides: string | readonly string[];

  constructor(options: LauncherOptions = {}) {
    checkOptions('SrunMPILauncher', options, { debug: 'boolean', overrides: 'overrides' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
  }

  /** The shell text that starts one srun step per copy and waits for them. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('SrunMPILauncher', command, tasksPerNode, nodesPerBlock);
    const extra = overridesText('SrunMPILauncher', this.overrides);
    const step = (share: string): string[] => [
      `  for _parsl_rank in $(seq 0 ${copies - 1}); do`,
      `    ${words(share, extra, 'bash -c "$_parsl_cmd" parsl-launcher "$_parsl_rank"')} &`,
      '    _parsl_pids="$_parsl_pids $!"',
      '  done',
    ];
    return [
      ...SLURM_PREAMBLE,
      ...debugEcho(this.debug, 'SrunMPILauncher', `$NODES node(s), $CORES core(s) per node, ${copies} srun step(s)`),
      `_parsl_cmd=${shellQuote(copyScript(command, '"$1"', copies, { shift: true }))}`,
      ...startCopies(),
      `if [ ${copies} -gt "$NODES" ]; then`,
      `  _parsl_share=$((NODES * CORES / ${copies}))`,
      '  [ "$_parsl_share" -ge 1 ] || _parsl_share=1',
      ...step('srun --ntasks "$_parsl_share"'),
      'else',
      `  _parsl_share=$((NODES / ${copies}))`,
      // --ntasks too: inside a batch job srun would otherwise take the job's SLURM_NTASKS, which a
      // share of the nodes cannot hold ("More processors requested than permitted").
      ...step('srun --exclusive --nodes "$_parsl_share" --ntasks "$_parsl_share"'),
      'fi',
      ...waitForCopies(this.debug, 'SrunMPILauncher', true, copies),
    ].join('\n');
  }
}
