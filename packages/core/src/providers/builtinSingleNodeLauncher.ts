import type { Launcher } from '../interfaces/Launcher.js';
import { shellQuote } from './shellQuote.js';

/**
 * The launcher a provider uses when it is given none and its blocks run their copies on one node
 * (Parsl's default for LocalProvider and the PBS providers): `SingleNodeLauncher` of
 * `@parsl-ts/launchers` in miniature, in core because plugins do not import each other. It runs
 * `tasksPerNode × nodesPerBlock` copies of the command in the background, each as
 * `bash -c '<command>'` with `CORES`, `PARSL_LAUNCHER_RANK` and `PARSL_LAUNCHER_SIZE`, forwards
 * SIGTERM, SIGINT and SIGHUP to them, waits for all and ends with the status of the first copy
 * (in start order) that failed. Its name is `single-node (built in)`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const launcher = options.launcher ?? builtinSingleNodeLauncher;
 * const scriptBody = launcher.wrap('parsl-ts-worker-pool --url ws://...', 2, 1);
 * ```
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
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
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
