import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, LOCAL_CORES, MPI_RANK, overridesText, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Options of {@link MpiExecLauncher}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: MpiExecLauncherOptions = { ppnFlag: '-ppn', bindCmd: '--bind-to', overrides: '--env FOO 1' };
 * ```
 */
export interface MpiExecLauncherOptions extends LauncherOptions {
  /** The flag that binds ranks to CPUs; the launcher passes `<bindCmd> none`. Default `--bind-to`, as Parsl; `''` leaves it out. */
  readonly bindCmd?: string;
  /**
   * How to ask for `tasksPerNode` ranks per node. `auto` (default): Open MPI's
   * `--map-by ppr:<n>:node` when `mpiexec --version` says Open MPI, otherwise `-ppn <n>` (MPICH,
   * Intel MPI, MVAPICH, Cray). Any other string is used as the flag, followed by the number
   * (`'--npernode'`); `''` leaves it out (as Parsl does).
   */
  readonly ppnFlag?: string;
}

/**
 * Starts the copies with `mpiexec`, as Parsl's `MpiExecLauncher`:
 * `mpiexec --bind-to none [overrides] -n <tasksPerNode × nodesPerBlock> [--hostfile <nodes>] -ppn <tasksPerNode> bash -c '<command>'`.
 * Under PBS the host file is `$PBS_NODEFILE` with duplicates removed (a temporary file, deleted
 * afterwards); elsewhere mpiexec finds the hosts itself (Slurm integration, or this node). Each
 * copy has `PARSL_LAUNCHER_RANK` (its MPI rank) and `PARSL_LAUNCHER_SIZE`; the script exports
 * `CORES`. Its exit status is mpiexec's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new MpiExecLauncher({ ppnFlag: '-ppn', debug: false }).wrap('parsl-ts-worker-pool', 2, 2);
 * ```
 */
export class MpiExecLauncher implements Launcher {
  /** `mpiexec`. */
  readonly name = 'mpiexec';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra mpiexec arguments. */
  readonly overrides: string | readonly string[];
  /** The binding flag (`''`: none). */
  readonly bindCmd: string;
  /** The ranks-per-node flag, `auto`, or `''` for none. */
  readonly ppnFlag: string;

  constructor(options: MpiExecLauncherOptions = {}) {
    checkOptions('MpiExecLauncher', options, { debug: 'boolean', overrides: 'overrides', bindCmd: 'string', ppnFlag: 'string' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
    this.bindCmd = (options.bindCmd ?? '--bind-to').trim();
    this.ppnFlag = (options.ppnFlag ?? 'auto').trim();
  }

  /** The shell text that runs the copies with mpiexec. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('MpiExecLauncher', command, tasksPerNode, nodesPerBlock);
    const ppn = this.ppnFlag === 'auto'
      ? [
        "  if mpiexec --version 2>&1 | grep -qiE 'open mpi|openrte'; then",
        `    set -- "$@" --map-by ppr:${tasksPerNode}:node`,
        '  else',
        `    set -- "$@" -ppn ${tasksPerNode}`,
        '  fi',
      ]
      : this.ppnFlag === '' ? [] : [`  set -- "$@" ${shellQuote(this.ppnFlag)} ${tasksPerNode}`];
    const line = words(
      'mpiexec', this.bindCmd === '' ? '' : `${shellQuote(this.bindCmd)} none`, overridesText('MpiExecLauncher', this.overrides),
      `-n ${copies}`, '"$@"', `bash -c ${shellQuote(copyScript(command, MPI_RANK, copies))}`,
    );
    return [
      LOCAL_CORES,
      ...debugEcho(this.debug, 'MpiExecLauncher', `$CORES core(s), ${copies} MPI rank(s), ${tasksPerNode} per node`),
      '_parsl_hostfile=',
      '_parsl_mpiexec() {',
      '  set --',
      '  if [ -n "${PBS_NODEFILE:-}" ]; then',
      '    _parsl_hostfile=$(mktemp "${TMPDIR:-/tmp}/parsl-hosts.XXXXXX")',
      '    sort -u "$PBS_NODEFILE" > "$_parsl_hostfile"',
      '    set -- "$@" --hostfile "$_parsl_hostfile"',
      '  fi',
      ...ppn,
      `  ${line}`,
      '}',
      '_parsl_mpiexec && _parsl_status=0 || _parsl_status=$?',
      '[ -z "$_parsl_hostfile" ] || rm -f "$_parsl_hostfile"',
      ...debugEcho(this.debug, 'MpiExecLauncher', 'done, exit status $_parsl_status'),
      '(exit "$_parsl_status")',
    ].join('\n');
  }
}
