import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, LOCAL_CORES, overridesText, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Starts the copies with GNU parallel, as Parsl's `GnuParallelLauncher`. On one node the copies
 * run here (`parallel --jobs <tasksPerNode>`); on several nodes GNU parallel reaches them over
 * ssh (`--sshloginfile`) with the node list from `$PBS_NODEFILE` or `$SLURM_JOB_NODELIST` (when
 * there is neither, every copy runs here, with a warning on stderr). Output is line-buffered, so
 * long-running copies show their output as it comes. Each copy has `CORES`,
 * `PARSL_LAUNCHER_RANK` (0, 1, ...) and `PARSL_LAUNCHER_SIZE`; the launch ends with the status of
 * the first copy that failed (from parallel's job log). Needs GNU parallel on `PATH` (Debian and
 * Ubuntu: `apt-get install parallel`; moreutils' `parallel` is another program) and, on several
 * nodes, password-less ssh between them; it says so when GNU parallel is missing and ends with
 * status 127.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new GnuParallelLauncher({ debug: false }).wrap('parsl-ts-worker-pool', 4, 1);
 * // seq 0 3 | parallel --jobs 4 --line-buffer ... -q bash -c '...' parsl-launcher
 * ```
 */
export class GnuParallelLauncher implements Launcher {
  /** `gnu-parallel`. */
  readonly name = 'gnu-parallel';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra options for parallel (before the command). */
  readonly overrides: string | readonly string[];

  constructor(options: LauncherOptions = {}) {
    checkOptions('GnuParallelLauncher', options, { debug: 'boolean', overrides: 'overrides' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
  }

  /** The shell text that runs the copies with GNU parallel. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('GnuParallelLauncher', command, tasksPerNode, nodesPerBlock);
    const copy = copyScript(command, '"$1"', copies, { shift: true, cores: '"${CORES:-$(getconf _NPROCESSORS_ONLN)}"' });
    const multiNode = nodesPerBlock > 1;
    const nodes = multiNode ? [
      '  _parsl_nodes=$(mktemp "${TMPDIR:-/tmp}/parsl-nodes.XXXXXX")',
      `  _parsl_jobs=${tasksPerNode}`,
      '  if [ -n "${PBS_NODEFILE:-}" ]; then',
      '    sort -u "$PBS_NODEFILE" > "$_parsl_nodes"',
      '  elif [ -n "${SLURM_JOB_NODELIST:-}" ] && command -v scontrol >/dev/null 2>&1; then',
      '    scontrol show hostnames "$SLURM_JOB_NODELIST" > "$_parsl_nodes"',
      '  else',
      `    echo 'parsl-ts GnuParallelLauncher: no node list ($PBS_NODEFILE or $SLURM_JOB_NODELIST): running all ${copies} copies on this node' >&2`,
      '    echo : > "$_parsl_nodes"',
      `    _parsl_jobs=${copies}`,
      '  fi',
    ] : [];
    const parallel = words(
      `seq 0 ${copies - 1} | parallel`, multiNode ? '--jobs "$_parsl_jobs"' : `--jobs ${tasksPerNode}`,
      '--line-buffer --joblog "$_parsl_joblog"', multiNode ? '--sshloginfile "$_parsl_nodes"' : '',
      overridesText('GnuParallelLauncher', this.overrides), `-q bash -c ${shellQuote(copy)} parsl-launcher`,
    );
    return [
      LOCAL_CORES,
      ...debugEcho(this.debug, 'GnuParallelLauncher', `$CORES core(s), starting ${copies} cop${copies === 1 ? 'y' : 'ies'} on ${nodesPerBlock} node(s)`),
      "if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then",
      "  echo 'parsl-ts GnuParallelLauncher: GNU parallel is not installed or is not the first parallel on PATH (Debian/Ubuntu: apt-get install parallel)' >&2",
      '  _parsl_status=127',
      'else',
      '  _parsl_joblog=$(mktemp "${TMPDIR:-/tmp}/parsl-parallel.XXXXXX")',
      ...nodes,
      `  ${parallel} && _parsl_status=0 || _parsl_status=$?`,
      '  if [ "$_parsl_status" -ne 0 ]; then',
      `    _parsl_first=$(tail -n +2 "$_parsl_joblog" | sort -n | awk -F '\\t' '$7 != 0 { print $7; exit } $8 != 0 { print 128 + $8; exit }')`,
      '    [ -z "$_parsl_first" ] || _parsl_status=$_parsl_first',
      '  fi',
      `  rm -f "$_parsl_joblog"${multiNode ? ' "$_parsl_nodes"' : ''}`,
      'fi',
      ...debugEcho(this.debug, 'GnuParallelLauncher', 'done, exit status $_parsl_status'),
      '(exit "$_parsl_status")',
    ].join('\n');
  }
}
