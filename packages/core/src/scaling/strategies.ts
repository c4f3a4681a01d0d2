import { silentLogger, type Logger } from '../dfk/logger.js';
import type { BlockScalingExecutor } from '../interfaces/Executor.js';
import { JobState, TERMINAL_JOB_STATES, type JobStatus } from '../interfaces/ExecutionProvider.js';
import type { Strategy } from '../interfaces/Strategy.js';
import { idleLongEnough } from './idleLongEnough.js';

/**
 * Seconds an executor (simple) or a block (htexAutoScale) may stay idle before it is scaled in,
 * when neither the executor nor the strategy options say otherwise. Parsl's default too.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const strategy = simpleStrategy({ maxIdleTime: DEFAULT_MAX_IDLE_TIME / 4 });
 * ```
 */
export const DEFAULT_MAX_IDLE_TIME = 120;

/**
 * Options of the built-in strategies.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: StrategyOptions = { maxIdleTime: 30, logger: dfk.logger.child({ component: 'strategy' }) };
 * const strategy = htexAutoScaleStrategy(options);
 * ```
 */
export interface StrategyOptions {
  /**
   * Seconds of idleness before scaling in. An executor's own `maxIdleTime` (when it has one) wins.
   * Default {@link DEFAULT_MAX_IDLE_TIME}.
   */
  readonly maxIdleTime?: number;
  /** Where decisions (debug), scaling actions (info) and failed rounds (error) are logged. */
  readonly logger?: Logger;
  /** The clock, in milliseconds. Default `Date.now`; tests may pass a fake one. */
  readonly now?: () => number;
}

/** Members a block-scaling executor may have beyond the interface; read when present. */
interface OptionalScalingMembers {
  readonly maxIdleTime?: number;
  readonly connectedWorkers?: number;
}

/**
 * What a strategy sees of one executor in one round.
 *
 * @since 0.1.0
 * @internal
 * @example
 * ```ts
 * const s: ScalingState = scalingState(executor, await executor.blockStatus());
 * ```
 */
export interface ScalingState {
  /** Tasks submitted to the executor and not finished. */
  readonly activeTasks: number;
  /** Blocks in state `running`. */
  readonly running: number;
  /** Blocks in any other non-terminal state (`pending`, `held`, `unknown`). */
  readonly pending: number;
  /** `running + pending`. */
  readonly activeBlocks: number;
  /** `activeBlocks * slotsPerBlock`. */
  readonly activeSlots: number;
  /** Worker slots of one block. */
  readonly slotsPerBlock: number;
  readonly minBlocks: number;
  readonly maxBlocks: number;
  /** 0..1. */
  readonly parallelism: number;
}

/**
 * A decision of the arithmetic, before idle times are considered. For `in`, `why` is `idle` (the
 * executor has no tasks: scale in to minBlocks once idle long enough) or `excess` (htexAutoScale:
 * blocks beyond need, of which only long-idle ones may go).
 *
 * @since 0.1.0
 * @internal
 * @example
 * ```ts
 * const plan: ScalingPlan = { action: 'out', blocks: 2, reason: '10 tasks on 0 slots' };
 * ```
 */
export type ScalingPlan =
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'out'; readonly blocks: number; readonly reason: string }
  | { readonly action: 'in'; readonly blocks: number; readonly why: 'idle' | 'excess'; readonly reason: string };

/**
 * Parsl's scaling arithmetic for one executor, without side effects. `htex` adds the scale-in of
 * excess capacity. Idle timers are the caller's business (an `in`/`idle` plan means "the executor
 * has no tasks and more than `minBlocks` blocks").
 *
 * @since 0.1.0
 * @internal
 * @example
 * ```ts
 * planScaling({ activeTasks: 10, running: 0, pending: 0, activeBlocks: 0, activeSlots: 0, slotsPerBlock: 2,
 *   minBlocks: 0, maxBlocks: 4, parallelism: 1 }, false); // { action: 'out', blocks: 4, ... }
 * ```
 */
export function planScaling(s: ScalingState, htex: boolean): ScalingPlan {
  // Extension over Parsl: keep minBlocks alive (blocks that died or ran out of walltime are replaced).
  if (s.activeBlocks < s.minBlocks) {
    const blocks = Math.min(s.minBlocks, s.maxBlocks) - s.activeBlocks;
    if (blocks > 0) return { action: 'out', blocks, reason: `${s.activeBlocks} active blocks is fewer than minBlocks ${s.minBlocks}` };
  }
  // Case 1: no tasks.
  if (s.activeTasks === 0) {
    if (s.activeBlocks <= s.minBlocks) return { action: 'none', reason: 'no tasks, and no more blocks than minBlocks' };
    return { action: 'in', blocks: s.activeBlocks - s.minBlocks, why: 'idle', reason: `no tasks and ${s.activeBlocks} blocks > minBlocks ${s.minBlocks}` };
  }
  // Case 2: more tasks than the slots should serve.
  if (s.activeSlots / s.activeTasks < s.parallelism) {
    if (s.activeBlocks >= s.maxBlocks) return { action: 'none', reason: `overloaded, but already at maxBlocks ${s.maxBlocks}` };
    const excessSlots = Math.ceil(s.activeTasks * s.parallelism - s.activeSlots);
    const blocks = Math.min(Math.ceil(excessSlots / s.slotsPerBlock), s.maxBlocks - s.activeBlocks);
    return { action: 'out', blocks, reason: `${s.activeTasks} tasks on ${s.activeSlots} slots is below parallelism ${s.parallelism}` };
  }
  // Case 3: tasks but no slots (parallelism 0 lands here): one block.
  if (s.activeSlots === 0) {
    if (s.activeBlocks >= s.maxBlocks) return { action: 'none', reason: `tasks but no slots, and maxBlocks ${s.maxBlocks} is reached` };
    return { action: 'out', blocks: 1, reason: 'tasks but no slots' };
  }
  // Case 4: more slots than tasks; only htexAutoScale gives them back.
  if (htex && s.activeSlots > s.activeTasks && s.activeBlocks > s.minBlocks) {
    const excessSlots = Math.floor(s.activeSlots - s.activeTasks * s.parallelism);
    const blocks = Math.min(Math.floor(excessSlots / s.slotsPerBlock), s.activeBlocks - s.minBlocks);
    if (blocks > 0) return { action: 'in', blocks, why: 'excess', reason: `${s.activeSlots} slots for ${s.activeTasks} tasks` };
  }
  return { action: 'none', reason: 'slots match the load' };
}

/**
 * Count what matters in a block-status map: blocks in terminal states (failed, cancelled,
 * completed, timeout, missing, scaled in) do not count.
 *
 * @since 0.1.0
 * @internal
 * @example
 * ```ts
 * const { activeBlocks, activeSlots } = scalingState(executor, await executor.blockStatus());
 * ```
 */
export function scalingState(executor: BlockScalingExecutor, status: ReadonlyMap<string, JobStatus>): ScalingState {
  let running = 0;
  let pending = 0;
  for (const s of status.values()) {
    if (TERMINAL_JOB_STATES.has(s.state)) continue;
    if (s.state === JobState.running) running++;
    else pending++;
  }
  const provider = executor.provider;
  const minBlocks = wholeOr(provider.minBlocks, 0);
  const maxBlocks = Math.max(minBlocks, wholeOr(provider.maxBlocks, minBlocks));
  const parallelism = Number.isFinite(provider.parallelism) ? Math.min(1, Math.max(0, provider.parallelism)) : 1;
  const slotsPerBlock = Number.isFinite(executor.workersPerBlock) && executor.workersPerBlock > 0 ? executor.workersPerBlock : 1;
  const outstanding = executor.outstanding;
  const activeTasks = Number.isFinite(outstanding) && outstanding > 0 ? outstanding : 0;
  const activeBlocks = running + pending;
  return { activeTasks, running, pending, activeBlocks, activeSlots: activeBlocks * slotsPerBlock, slotsPerBlock, minBlocks, maxBlocks, parallelism };
}

function wholeOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/**
 * The strategy that never scales: executors keep the `initBlocks` the job-status poller started
 * (block status is still polled, and failures still detected).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [htex], strategy: noneStrategy() }); // same as strategy: 'none'
 * ```
 */
export function noneStrategy(): Strategy {
  return { name: 'none', async strategize() { /* never scales */ } };
}

/**
 * Parsl's `simple` strategy. Each round, for each executor: when tasks outstanding outnumber the
 * worker slots of its running and pending blocks by more than `parallelism` allows, it starts the
 * whole blocks that close the gap (never beyond `maxBlocks`); with tasks and no block, one block;
 * when the executor has had no outstanding tasks for `maxIdleTime` seconds, it scales in to
 * `minBlocks`. It also tops blocks that died back up to `minBlocks`.
 *
 * `strategize` never throws: an executor whose round fails is logged and tried again next round.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [htex], strategy: simpleStrategy({ maxIdleTime: 30 }), strategyPeriod: 2 });
 * ```
 */
export function simpleStrategy(options: StrategyOptions = {}): Strategy {
  return makeStrategy('simple', false, options);
}

/**
 * Parsl's `htex_auto_scale` strategy: {@link simpleStrategy}, plus it gives back partly used
 * capacity. When slots outnumber what the outstanding tasks need (`tasks × parallelism`), it scales
 * in the surplus whole blocks — only blocks the executor reports idle (its `idleSeconds()`) for at
 * least `maxIdleTime` seconds, never below `minBlocks`. Works with any executor that reports idle
 * times per block, not only HTEX.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [htex], strategy: htexAutoScaleStrategy({ maxIdleTime: 60 }) });
 * ```
 */
export function htexAutoScaleStrategy(options: StrategyOptions = {}): Strategy {
  return makeStrategy('htexAutoScale', true, options);
}

function makeStrategy(name: string, htex: boolean, options: StrategyOptions): Strategy {
  const logger = (options.logger ?? silentLogger()).child({ strategy: name });
  const now = options.now ?? Date.now;
  /** Per executor label: when it was first seen without tasks (and above minBlocks). */
  const idleSince = new Map<string, number>();

  const maxIdleOf = (executor: BlockScalingExecutor): number => {
    const own = (executor as BlockScalingExecutor & OptionalScalingMembers).maxIdleTime;
    const value = own ?? options.maxIdleTime ?? DEFAULT_MAX_IDLE_TIME;
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_MAX_IDLE_TIME;
  };

  const one = async (executor: BlockScalingExecutor): Promise<void> => {
    const label = executor.label;
    const status = await executor.blockStatus();
    const state = scalingState(executor, status);
    const plan = planScaling(state, htex);
    const connected = (executor as BlockScalingExecutor & OptionalScalingMembers).connectedWorkers;
    logger.debug({ executor: label, ...state, ...(connected !== undefined ? { connectedWorkers: connected } : {}), plan }, 'strategy round');

    if (state.activeTasks > 0) idleSince.delete(label);
    if (plan.action === 'none') return;
    if (plan.action === 'out') {
      logger.info({ executor: label, blocks: plan.blocks, reason: plan.reason }, 'scaling out');
      const ids = await executor.scaleOut(plan.blocks);
      logger.debug({ executor: label, blockIds: ids }, 'scaled out');
      return;
    }
    const maxIdle = maxIdleOf(executor);
    if (plan.why === 'idle') {
      const since = idleSince.get(label) ?? now();
      idleSince.set(label, since);
      const idleFor = (now() - since) / 1000;
      if (idleFor < maxIdle) {
        logger.debug({ executor: label, idleFor, maxIdleTime: maxIdle }, 'idle, not yet for maxIdleTime');
        return;
      }
      logger.info({ executor: label, blocks: plan.blocks, idleFor, reason: plan.reason }, 'scaling in idle executor');
      const ids = await executor.scaleIn(plan.blocks);
      logger.debug({ executor: label, blockIds: ids }, 'scaled in');
      if (ids.length > 0) idleSince.delete(label);
      return;
    }
    // Excess capacity (htexAutoScale): only blocks idle for maxIdleTime may go.
    const idle = executor.idleSeconds();
    let candidates = 0;
    for (const [blockId, s] of status) {
      if (!TERMINAL_JOB_STATES.has(s.state) && idleLongEnough(idle.get(blockId), maxIdle)) candidates++;
    }
    const blocks = Math.min(plan.blocks, candidates);
    if (blocks === 0) {
      logger.debug({ executor: label, excess: plan.blocks, maxIdleTime: maxIdle }, 'excess blocks, none idle long enough');
      return;
    }
    logger.info({ executor: label, blocks, excess: plan.blocks, reason: plan.reason }, 'scaling in excess blocks');
    const ids = await executor.scaleIn(blocks, { maxIdleSeconds: maxIdle });
    logger.debug({ executor: label, blockIds: ids }, 'scaled in');
  };

  return {
    name,
    async strategize(executors) {
      await Promise.all(executors.map(async (executor) => {
        try {
          await one(executor);
        } catch (err) {
          logger.error({ err, executor: executor?.label }, 'strategy round failed for this executor; trying again next round');
        }
      }));
    },
  };
}
