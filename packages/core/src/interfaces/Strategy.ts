import type { BlockScalingExecutor } from './Executor.js';

/**
 * Decides, at every poll, how many blocks each block-scaling executor should have, and calls
 * `scaleOut`/`scaleIn`. Built in: `none`, `simple`, `htexAutoScale` (as in Parsl).
 *
 * The job-status poller calls it with views of the executors: their `blockStatus()` answers from
 * the poller's latest refresh, and their `scaleOut`/`scaleIn` are recorded (new blocks count as
 * pending at once) and capped at the provider's `maxBlocks`. Executors whose provider has not
 * answered yet, or in bad state, are left out of the round.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const strategy: Strategy = { name: 'none', async strategize() {} };
 * ```
 */
export interface Strategy {
  /** Name, e.g. `simple`. */
  readonly name: string;
  /** Look at the executors and scale them. Called periodically by the job-status poller. */
  strategize(executors: readonly BlockScalingExecutor[]): Promise<void>;
}
