import type { Launcher } from '@parsl-ts/core';
import {
  checkOptions, checkShape, copyScript, debugEcho, LOCAL_CORES, startCopies, waitForCopies,
} from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Options of {@link SingleNodeLauncher}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: SingleNodeLauncherOptions = { debug: false, failOnAny: false };
 * ```
 */
export interface SingleNodeLauncherOptions {
  /** Print the cores found, each copy started and the outcome to the job's stdout. Default `true`. */
  readonly debug?: boolean;
  /**
   * Exit with a failure when any copy failed (`true`, the default), or only when every copy
   * failed (`false`, Parsl's default). The status is that of the first copy that failed.
   */
  readonly failOnAny?: boolean;
}

/**
 * Runs `tasksPerNode × nodesPerBlock` copies of the command on this node, in the background,
 * waits for all of them and ends with the status of the first copy that failed (or 0). Each copy
 * runs as `bash -c '<command>'` with `CORES` (the number of online processors),
 * `PARSL_LAUNCHER_RANK` (0, 1, ...) and `PARSL_LAUNCHER_SIZE` (the number of copies) in its
 * environment. A TERM, INT or HUP sent to the launching shell is passed on to the copies.
 *
 * The default launcher of local blocks; as Parsl's `SingleNodeLauncher`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const script = new SingleNodeLauncher({ debug: false }).wrap('parsl-ts-worker-pool --url ws://...', 4, 1);
 * // runs 4 worker pools in the background and waits for them
 * ```
 */
export class SingleNodeLauncher implements Launcher {
  /** `single-node`. */
  readonly name = 'single-node';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Whether one failed copy makes the whole launch fail. */
  readonly failOnAny: boolean;

  constructor(options: SingleNodeLauncherOptions = {}) {
    checkOptions('SingleNodeLauncher', options, { debug: 'boolean', failOnAny: 'boolean' });
    this.debug = options.debug ?? true;
    this.failOnAny = options.failOnAny ?? true;
  }

  /** The shell text that starts the copies and waits for them. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('SingleNodeLauncher', command, tasksPerNode, nodesPerBlock);
    return [
      LOCAL_CORES,
      ...debugEcho(this.debug, 'SingleNodeLauncher', `$CORES core(s), starting ${copies} cop${copies === 1 ? 'y' : 'ies'}`),
      `_parsl_cmd=${shellQuote(copyScript(command, '"$1"', copies, { shift: true }))}`,
      ...startCopies(),
      `for _parsl_rank in $(seq 0 ${copies - 1}); do`,
      ...debugEcho(this.debug, 'SingleNodeLauncher', `starting copy $_parsl_rank`).map((line) => `  ${line}`),
      '  bash -c "$_parsl_cmd" parsl-launcher "$_parsl_rank" &',
      '  _parsl_pids="$_parsl_pids $!"',
      'done',
      ...waitForCopies(this.debug, 'SingleNodeLauncher', this.failOnAny, copies),
    ].join('\n');
  }
}
