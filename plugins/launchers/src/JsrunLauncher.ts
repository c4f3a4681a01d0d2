import type { Launcher } from '@parsl-ts/core';
import type { LauncherOptions } from './LauncherOptions.js';
import { checkOptions, checkShape, copyScript, debugEcho, finalCommand, overridesText, words } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Starts the copies with IBM's jsrun (LSF, Summit-class machines), as Parsl's `JsrunLauncher`:
 * `jsrun -n <tasksPerNode × nodesPerBlock> -r <tasksPerNode> [overrides] /bin/bash -c '<command>'`.
 * Each copy has `PARSL_LAUNCHER_RANK` (`JSM_NAMESPACE_RANK`) and `PARSL_LAUNCHER_SIZE`. Its exit
 * status is jsrun's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new JsrunLauncher({ overrides: '-g 1', debug: false }).wrap('parsl-ts-worker-pool', 6, 2);
 * // jsrun -n 12 -r 6 -g 1 /bin/bash -c '...'
 * ```
 */
export class JsrunLauncher implements Launcher {
  /** `jsrun`. */
  readonly name = 'jsrun';
  /** Whether the script reports what it does on stdout. */
  readonly debug: boolean;
  /** Extra jsrun arguments. */
  readonly overrides: string | readonly string[];

  constructor(options: LauncherOptions = {}) {
    checkOptions('JsrunLauncher', options, { debug: 'boolean', overrides: 'overrides' });
    this.debug = options.debug ?? true;
    this.overrides = options.overrides ?? '';
  }

  /** The shell text that runs the copies with jsrun. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = checkShape('JsrunLauncher', command, tasksPerNode, nodesPerBlock);
    return [
      ...debugEcho(this.debug, 'JsrunLauncher', `${copies} resource set(s), ${tasksPerNode} per node`),
      ...finalCommand(this.debug, 'JsrunLauncher', words(
        `jsrun -n ${copies} -r ${tasksPerNode}`, overridesText('JsrunLauncher', this.overrides),
        `/bin/bash -c ${shellQuote(copyScript(command, '"${JSM_NAMESPACE_RANK:-${OMPI_COMM_WORLD_RANK:-0}}"', copies))}`,
      )),
    ].join('\n');
  }
}
