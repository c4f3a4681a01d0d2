import { ProviderOptionReader, withLauncherInstance } from '@parsl-ts/core';
import { wordOption } from './options.js';
import type { PbsFlavor } from './pbsStates.js';
import { COMMON_OPTION_KEYS, PbsProvider, type PbsProviderOptions } from './PbsProvider.js';

/**
 * Options of {@link PBSProProvider}: the common ones, plus how to size a node's chunk.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: PBSProProviderOptions = { queue: 'debug', nodesPerBlock: 2, cpusPerNode: 64, selectOptions: 'ngpus=4' };
 * ```
 */
export interface PBSProProviderOptions extends PbsProviderOptions {
  /** CPUs of each node's chunk (`ncpus=`); also tells the executor how many cores a node has. Default 1, as Parsl. */
  readonly cpusPerNode?: number;
  /** Memory of each node's chunk in MB (`mem=<n>mb`). Default: not asked for. */
  readonly memPerNode?: number;
  /** Extra `key=value` resources of each chunk, joined with `:` (e.g. `'ngpus=4:host=x1'`). Default none. */
  readonly selectOptions?: string;
  /** How chunks are placed (`-l place=`). Default `scatter`: one chunk per node. */
  readonly place?: string;
}

const OPTION_KEYS = [...COMMON_OPTION_KEYS, 'cpusPerNode', 'memPerNode', 'selectOptions', 'place'];

/**
 * Gets blocks from PBS Professional (OpenPBS), as Parsl's `PBSProProvider`: each block asks for
 * `-l select=<nodesPerBlock>:ncpus=<cpusPerNode>:mpiprocs=<tasksPerNode>[:mem=..][:selectOptions]`
 * and `-l place=scatter`. Status comes from `qstat -f -F json -x` (finished jobs included, with
 * `Exit_status`); a server without JSON or history is asked `qstat -f -x`, then `qstat -f` —
 * the form that works is found on the first poll and kept. Slurm's Torque wrappers answer the
 * last one, and sbatch reads the `#PBS -l select` directives, so this provider also runs there.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const provider = new PBSProProvider({ queue: 'workq', account: 'proj1', nodesPerBlock: 2, cpusPerNode: 64,
 *   walltime: '01:00:00', launcher: new MpiExecLauncher() });
 * ```
 */
export class PBSProProvider extends PbsProvider {
  /** CPUs per node's chunk. */
  readonly cpusPerNode: number;
  /** Memory per node's chunk in MB, when set. */
  readonly memPerNode: number | undefined;
  /** Extra chunk resources. */
  readonly selectOptions: string;
  /** Chunk placement. */
  readonly place: string;
  /** @internal */
  protected readonly flavor: PbsFlavor = 'pbspro';
  /** @internal */
  protected readonly qstatForms = ['json', 'history', 'text'] as const;

  constructor(options: PBSProProviderOptions = {}) {
    super('PBSProProvider', 'pbspro', options, OPTION_KEYS);
    const o = new ProviderOptionReader(this.owner, options, "{ queue: 'debug' }");
    this.cpusPerNode = o.wholeNumber('cpusPerNode', 1, 1);
    this.memPerNode = o.wholeNumber('memPerNode', undefined, 1);
    this.selectOptions = (wordOption(o, 'selectOptions', 'ngpus=4') ?? '').replace(/^:/, '');
    this.place = wordOption(o, 'place', 'scatter:excl') ?? 'scatter';
  }

  /** Cores per node, as the executor should see them (`cpusPerNode`). */
  override get coresPerNode(): number {
    return this.cpusPerNode;
  }

  /**
   * Build a provider from config-file options, where `launcher` may be a plugin entry.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const p = await PBSProProvider.fromOptions({ queue: 'workq', launcher: { package: '@parsl-ts/launchers', export: 'MpiExecLauncher' } });
   * ```
   */
  static async fromOptions(options: Readonly<Record<string, unknown>>): Promise<PBSProProvider> {
    return new PBSProProvider(await withLauncherInstance(options) as PBSProProviderOptions);
  }

  /** @inheritDoc */
  protected resourceDirectives(tasksPerNode: number): string[] {
    const chunk = [
      String(this.nodesPerBlock), `ncpus=${this.cpusPerNode}`, `mpiprocs=${tasksPerNode}`,
      ...(this.memPerNode !== undefined ? [`mem=${this.memPerNode}mb`] : []),
      ...(this.selectOptions ? [this.selectOptions] : []),
    ].join(':');
    return [`#PBS -l select=${chunk}`, `#PBS -l place=${this.place}`];
  }
}
