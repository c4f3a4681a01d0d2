import { withLauncherInstance } from '@parsl-ts/core';
import type { PbsFlavor } from './pbsStates.js';
import { COMMON_OPTION_KEYS, PbsProvider, type PbsProviderOptions } from './PbsProvider.js';

/**
 * Options of {@link TorqueProvider}: the common ones.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: TorqueProviderOptions = { queue: 'batch', nodesPerBlock: 2, walltime: '00:30:00' };
 * ```
 */
export type TorqueProviderOptions = PbsProviderOptions;

/**
 * Gets blocks from Torque (or another PBS that takes the nodes syntax), as Parsl's
 * `TorqueProvider`: each block asks for `-l nodes=<nodesPerBlock>:ppn=<tasksPerNode>`. Status
 * comes from `qstat -f` (Torque keeps finished jobs as `C`, with `exit_status`, for its
 * `keep_completed` time). Slurm's Torque wrappers (Debian's slurm-wlm-torque) are Torque-like:
 * bare ids, every ended job `C` without an exit status, status 153 for unknown ids — all handled.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const provider = new TorqueProvider({ queue: 'batch', nodesPerBlock: 2, walltime: '01:00:00', launcher: new MpiExecLauncher() });
 * ```
 */
export class TorqueProvider extends PbsProvider {
  /** @internal */
  protected readonly flavor: PbsFlavor = 'torque';
  /** @internal */
  protected readonly qstatForms = ['text'] as const;

  constructor(options: TorqueProviderOptions = {}) {
    super('TorqueProvider', 'torque', options, COMMON_OPTION_KEYS);
  }

  /**
   * Build a provider from config-file options, where `launcher` may be a plugin entry.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const p = await TorqueProvider.fromOptions({ queue: 'batch', launcher: { package: '@parsl-ts/launchers', export: 'MpiExecLauncher' } });
   * ```
   */
  static async fromOptions(options: Readonly<Record<string, unknown>>): Promise<TorqueProvider> {
    return new TorqueProvider(await withLauncherInstance(options) as TorqueProviderOptions);
  }

  /** @inheritDoc */
  protected resourceDirectives(tasksPerNode: number): string[] {
    return [`#PBS -l nodes=${this.nodesPerBlock}:ppn=${tasksPerNode}`];
  }
}
