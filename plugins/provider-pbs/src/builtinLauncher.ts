// The launcher the PBS providers use when they are given none (as Parsl's): the single-node launcher of
// @parsl-ts/launchers in miniature (plugins do not import each other). Internal.
import { shellQuote, type Launcher } from '@parsl-ts/core';

/**
 * Runs `tasksPerNode × nodesPerBlock` copies of the command in the background on the job's first node,
 * each as `bash -c '<command>'` with `CORES`, `PARSL_LAUNCHER_RANK` and `PARSL_LAUNCHER_SIZE`,
 * waits for all and ends with the status of the first copy that failed.
 */
export const builtinSingleNodeLauncher: Launcher = Object.freeze({
  name: 'single-node (built in)',
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = tasksPerNode * nodesPerBlock;
    const copy = `export PARSL_LAUNCHER_RANK="$1" PARSL_LAUNCHER_SIZE=${copies}\nshift\n${command}`;
    return [
      'export CORES=$(getconf _NPROCESSORS_ONLN)',
      `_parsl_cmd=${shellQuote(copy)}`,
      '_parsl_pids=',
      "trap 'kill -TERM $_parsl_pids 2>/dev/null' TERM INT HUP",
      `for _parsl_rank in $(seq 0 ${copies - 1}); do`,
      '  bash -c "$_parsl_cmd" parsl-launcher "$_parsl_rank" &',
      '  _parsl_pids="$_parsl_pids $!"',
      'done',
      '_parsl_status=0',
      'for _parsl_pid in $_parsl_pids; do',
      '  wait "$_parsl_pid" && _parsl_rc=0 || _parsl_rc=$?',
      '  [ "$_parsl_rc" -eq 0 ] || [ "$_parsl_status" -ne 0 ] || _parsl_status=$_parsl_rc',
      'done',
      'trap - TERM INT HUP',
      '(exit "$_parsl_status")',
    ].join('\n');
  },
});
