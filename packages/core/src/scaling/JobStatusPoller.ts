import { open } from 'node:fs/promises';
import { silentLogger, type Logger } from '../dfk/logger.js';
import { ConfigError } from '../errors/usageErrors.js';
import { isBlockScalingExecutor, type BlockScalingExecutor, type Executor } from '../interfaces/Executor.js';
import { JobState, TERMINAL_JOB_STATES, type JobStatus } from '../interfaces/ExecutionProvider.js';
import type { MonitoringRadio } from '../interfaces/Monitoring.js';
import type { Strategy } from '../interfaces/Strategy.js';
import { BlockFailuresError, type BlockFailure } from './BlockFailuresError.js';

/**
 * Options of the {@link JobStatusPoller}. Times are in seconds, like the config's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: JobStatusPollerOptions = { executors: [htex], strategy: simpleStrategy(), strategyPeriod: 5 };
 * ```
 */
export interface JobStatusPollerOptions {
  /** The run's executors; only block-scaling ones ({@link isBlockScalingExecutor}) are polled. */
  readonly executors: readonly Executor[];
  /** The strategy called every round with the executors that are ready (see {@link JobStatusPoller}). */
  readonly strategy: Strategy;
  /** Seconds between rounds. Default 5 (the config's `strategyPeriod`). */
  readonly strategyPeriod?: number;
  /** Where block changes (info), failures (warn/error) and slow providers (warn) are logged. */
  readonly logger?: Logger;
  /** Monitoring radio: every block state change is sent as a `block` record. */
  readonly monitoring?: MonitoringRadio;
  /** Run id for monitoring records. */
  readonly runId?: string;
  /**
   * Bound of one round (status refresh and strategy), in seconds; a provider call still pending
   * after it is not repeated until it answers. Default `max(30, 4 × strategyPeriod)`.
   */
  readonly roundTimeout?: number;
  /** How long `stop()` waits for a scale-out or scale-in already under way. Default 5 seconds. */
  readonly stopTimeout?: number;
  /**
   * After this many blocks in a row end `failed`/`missing` (or fail to submit), the executor is put
   * in bad state ({@link BlockFailuresError}). Default 3; 0 never does.
   */
  readonly blockFailureThreshold?: number;
}

/** Hooks a block-scaling executor may have beyond the interface; called when present. */
interface OptionalHooks {
  blockFailed?(blockId: string, status: JobStatus): void;
  setBadState?(error: BlockFailuresError): void;
}

/** What the poller knows about one executor. */
interface Tracked {
  readonly executor: BlockScalingExecutor & OptionalHooks;
  readonly label: string;
  /** The latest known status of each block (refreshed, plus the poller's own scale-outs and scale-ins). */
  readonly status: Map<string, JobStatus>;
  /** The strategy's view: the executor, with cached `blockStatus` and watched `scaleOut`/`scaleIn`. */
  view: BlockScalingExecutor;
  lastRefresh: number;
  /** A provider call (status, strategy) still pending for this executor; nothing else is started meanwhile. */
  busy: Promise<unknown> | undefined;
  busySince: number;
  warnedBusy: boolean;
  /** Consecutive failed blocks, oldest first (at most the threshold). */
  streak: { blockId: string; status: JobStatus }[];
  bad: BlockFailuresError | undefined;
  goingBad: boolean;
  launchFailures: number;
}

type Outcome = 'done' | 'timeout' | 'stopped';

const TAIL_BYTES = 2048;

/**
 * Core's job-status poller, shared by every executor that takes a provider (Parsl's
 * `JobStatusPoller`). The DataFlowKernel starts one when any executor is a
 * {@link BlockScalingExecutor}:
 *
 * - `start()` gives each such executor its provider's `initBlocks` (at most `maxBlocks`);
 * - every `strategyPeriod` seconds a round refreshes each executor's `blockStatus()` (no more often
 *   than its provider's `statusPollingInterval`), sends a monitoring `block` record for every state
 *   change, calls the executor's optional `blockFailed(blockId, status)` for blocks that failed, and
 *   then calls the strategy;
 * - when `blockFailureThreshold` blocks in a row fail (or cannot be submitted), the executor enters
 *   bad state: a {@link BlockFailuresError} (code `PARSL_BLOCK_FAILURES`) is logged and handed to
 *   its optional `setBadState(error)`, so it can fail its pending tasks; it gets no more blocks.
 *
 * The strategy receives views of the executors whose `blockStatus()` answers from the poller's
 * cache and whose `scaleOut`/`scaleIn` are recorded (new blocks count as pending at once, so the
 * next round does not start them again) and capped at `maxBlocks`.
 *
 * Rounds never overlap; each is bounded by `roundTimeout`, and an executor whose provider has not
 * answered is left out of later rounds until it does. Timers are unref'd. `stop()` cancels the
 * schedule, stops scaling, and waits at most `stopTimeout` for a scale operation under way; it
 * never waits for a hanging status call, and it stops no block (the executors' `shutdown` does).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const poller = new JobStatusPoller({ executors: [htex], strategy: simpleStrategy({ maxIdleTime: 60 }), strategyPeriod: 5, logger });
 * await poller.start();   // initBlocks started
 * // ... run the workflow ...
 * await poller.stop();    // then shut the executors down
 * ```
 */
export class JobStatusPoller {
  /** The executors this poller drives. */
  readonly executors: readonly BlockScalingExecutor[];
  /** The strategy called every round. */
  readonly strategy: Strategy;
  /** Seconds between rounds. */
  readonly strategyPeriod: number;

  private readonly tracked: Tracked[];
  private readonly logger: Logger;
  private readonly monitoring: MonitoringRadio | undefined;
  private readonly runId: string;
  private readonly roundTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly threshold: number;
  private readonly scaling = new Set<Promise<unknown>>();
  private readonly stopSignal: Promise<'stopped'>;
  private signalStop: () => void = () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;

  constructor(options: JobStatusPollerOptions) {
    const period = options.strategyPeriod ?? 5;
    if (!(typeof period === 'number' && Number.isFinite(period) && period > 0)) {
      throw new ConfigError(`must be a positive number of seconds, got ${String(period)}`, { path: 'strategyPeriod', hint: 'the default is 5' });
    }
    const threshold = options.blockFailureThreshold ?? 3;
    if (!(Number.isInteger(threshold) && threshold >= 0)) {
      throw new ConfigError(`must be a whole number >= 0, got ${String(threshold)}`, { path: 'blockFailureThreshold', hint: 'the default is 3; 0 turns bad-state detection off' });
    }
    this.strategy = options.strategy;
    this.strategyPeriod = period;
    this.threshold = threshold;
    this.roundTimeoutMs = seconds(options.roundTimeout, Math.max(30, 4 * period)) * 1000;
    this.stopTimeoutMs = seconds(options.stopTimeout, 5) * 1000;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'job-status-poller' });
    this.monitoring = options.monitoring;
    this.runId = options.runId ?? '';
    this.executors = options.executors.filter(isBlockScalingExecutor);
    this.stopSignal = new Promise((resolve) => { this.signalStop = () => resolve('stopped'); });
    this.tracked = this.executors.map((executor) => {
      const t: Tracked = {
        executor, label: executor.label, status: new Map(), view: executor, lastRefresh: -Infinity,
        busy: undefined, busySince: 0, warnedBusy: false, streak: [], bad: undefined, goingBad: false, launchFailures: 0,
      };
      t.view = this.makeView(t);
      return t;
    });
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.starting !== undefined && !this.stopped;
  }

  /**
   * Start each executor's `initBlocks` (bounded by `roundTimeout`; a failure is logged and counted
   * as a block failure, never thrown), then schedule the rounds. Safe to call twice.
   */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /**
   * Run one round now: refresh block status, then call the strategy. If a round is already under
   * way, returns that round instead of starting another. Never rejects.
   */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.current) {
      const round: Promise<void> = this.round()
        .catch((err: unknown) => { this.logger.error({ err }, 'job-status poller round failed; trying again next round'); })
        .finally(() => { if (this.current === round) this.current = undefined; });
      this.current = round;
    }
    return this.current;
  }

  /**
   * Stop polling and scaling. Bounded: waits at most `stopTimeout` for a scale operation already
   * under way and never for a status call. Blocks keep running; shut the executors down to stop
   * them. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  /** The latest block status the poller knows for an executor (by label). */
  statusOf(label: string): ReadonlyMap<string, JobStatus> | undefined {
    const t = this.tracked.find((x) => x.label === label);
    return t ? new Map(t.status) : undefined;
  }

  /** The error that put an executor in bad state, if it is in bad state. */
  badStateOf(label: string): BlockFailuresError | undefined {
    return this.tracked.find((x) => x.label === label)?.bad;
  }

  private async doStart(): Promise<void> {
    if (this.stopped) return;
    this.logger.info({ executors: this.executors.map((e) => e.label), strategy: this.strategy.name, strategyPeriod: this.strategyPeriod }, 'job-status poller started');
    const init = this.tracked.map((t) => {
      const provider = t.executor.provider;
      const initBlocks = whole(provider.initBlocks, 0);
      const maxBlocks = whole(provider.maxBlocks, initBlocks);
      if (initBlocks > maxBlocks) this.logger.warn({ executor: t.label, initBlocks, maxBlocks }, 'initBlocks is more than maxBlocks; starting maxBlocks');
      const blocks = Math.min(initBlocks, maxBlocks);
      if (blocks === 0) return Promise.resolve();
      return this.track(t, this.scaleOut(t, blocks).catch((err: unknown) => {
        this.logger.error({ err, executor: t.label, blocks }, 'starting initBlocks failed; the strategy tries again');
      }));
    });
    const outcome = await this.bounded(Promise.all(init), this.roundTimeoutMs, true);
    if (outcome === 'timeout') this.logger.warn({ roundTimeoutMs: this.roundTimeoutMs }, 'starting initBlocks did not finish within roundTimeout; going on');
    this.schedule();
  }

  private async doStop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.signalStop();
    // The round in progress returns at once (it races the stop signal); scale operations under way
    // are waited for, bounded, so that the executors' shutdown sees the blocks they started.
    const pending = [...this.scaling];
    if (this.current) pending.push(this.current);
    if (pending.length > 0) {
      const outcome = await this.bounded(Promise.allSettled(pending), this.stopTimeoutMs, false);
      if (outcome === 'timeout') this.logger.warn({ stopTimeoutMs: this.stopTimeoutMs }, 'a scale operation was still under way when the poller stopped');
    }
    this.logger.info('job-status poller stopped');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll().finally(() => this.schedule());
    }, this.strategyPeriod * 1000);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const deadline = Date.now() + this.roundTimeoutMs;
    const now = Date.now();
    const due: Tracked[] = [];
    for (const t of this.tracked) {
      if (t.busy) {
        if (!t.warnedBusy && now - t.busySince >= this.roundTimeoutMs) {
          t.warnedBusy = true;
          this.logger.warn({ executor: t.label, pendingForMs: now - t.busySince }, 'a provider call for this executor has not returned; it is skipped until it does');
        }
        continue;
      }
      if (now - t.lastRefresh >= seconds(t.executor.provider.statusPollingInterval, 0) * 1000) due.push(t);
    }
    if (due.length > 0) {
      const outcome = await this.bounded(Promise.all(due.map((t) => this.track(t, this.refresh(t)))), deadline - Date.now(), true);
      if (outcome === 'stopped') return;
      if (outcome === 'timeout') this.logger.warn({ executors: due.filter((t) => t.busy).map((t) => t.label) }, 'block status did not arrive within roundTimeout');
    }
    const ready = this.tracked.filter((t) => !t.busy && !t.bad);
    if (ready.length === 0 || this.stopped) return;
    let strategizing: Promise<void>;
    try {
      strategizing = Promise.resolve(this.strategy.strategize(ready.map((t) => t.view)));
    } catch (err) {
      strategizing = Promise.reject(err);
    }
    strategizing = strategizing.catch((err: unknown) => {
      this.logger.error({ err, strategy: this.strategy.name }, 'strategy failed; trying again next round');
    });
    for (const t of ready) void this.track(t, strategizing);
    const outcome = await this.bounded(strategizing, deadline - Date.now(), true);
    if (outcome === 'timeout') this.logger.warn({ strategy: this.strategy.name }, 'the strategy did not finish within roundTimeout');
  }

  /** Mark `t` busy until `work` settles. */
  private track<T>(t: Tracked, work: Promise<T>): Promise<T> {
    if (!t.busy) { t.busySince = Date.now(); t.warnedBusy = false; }
    t.busy = work;
    const clear = (): void => { if (t.busy === work) t.busy = undefined; };
    work.then(clear, clear);
    return work;
  }

  private async refresh(t: Tracked): Promise<void> {
    t.lastRefresh = Date.now();
    let fresh: ReadonlyMap<string, JobStatus>;
    try {
      fresh = await t.executor.blockStatus();
    } catch (err) {
      this.logger.warn({ err, executor: t.label }, 'block status failed; trying again next round');
      return;
    }
    if (this.stopped) return;
    const failed: [string, JobStatus][] = [];
    const previous = new Map(t.status);
    t.status.clear();
    for (const [blockId, status] of fresh) {
      const before = previous.get(blockId);
      // Terminal states are final: a late or stale report cannot bring a block back.
      if (before && TERMINAL_JOB_STATES.has(before.state)) {
        t.status.set(blockId, before);
        continue;
      }
      t.status.set(blockId, status);
      if (before?.state === status.state) continue;
      this.record(t, blockId, status);
      if (status.state === JobState.failed || status.state === JobState.missing) failed.push([blockId, status]);
      else if (TERMINAL_JOB_STATES.has(status.state)) t.streak = []; // ended for another reason
    }
    for (const [blockId, status] of failed) {
      this.logger.warn({ executor: t.label, blockId, state: status.state, exitCode: status.exitCode, message: status.message, stderr: status.stderrPath }, 'block failed');
      try {
        t.executor.blockFailed?.(blockId, status);
      } catch (err) {
        this.logger.error({ err, executor: t.label, blockId }, 'the executor\'s blockFailed hook threw');
      }
      await this.countFailure(t, blockId, status);
    }
  }

  private async countFailure(t: Tracked, blockId: string, status: JobStatus): Promise<void> {
    if (this.threshold === 0 || t.bad || t.goingBad) return;
    t.streak.push({ blockId, status });
    if (t.streak.length > this.threshold) t.streak.shift();
    if (t.streak.length < this.threshold) return;
    t.goingBad = true;
    const failures: BlockFailure[] = await Promise.all(t.streak.map(async (f) => {
      const [stderrTail, stdoutTail] = await Promise.all([tail(f.status.stderrPath), tail(f.status.stdoutPath)]);
      return { ...f, ...(stderrTail ? { stderrTail } : {}), ...(stdoutTail ? { stdoutTail } : {}) };
    }));
    const error = new BlockFailuresError(t.label, failures);
    t.bad = error;
    this.logger.error({ err: error, code: error.code, executor: t.label }, `executor ${t.label} is in bad state: ${failures.length} blocks in a row failed`);
    try {
      t.executor.setBadState?.(error);
    } catch (err) {
      this.logger.error({ err, executor: t.label }, 'the executor\'s setBadState hook threw');
    }
  }

  private makeView(t: Tracked): BlockScalingExecutor {
    const overrides: Record<string | symbol, unknown> = {
      blockStatus: async (): Promise<ReadonlyMap<string, JobStatus>> => new Map(t.status),
      scaleOut: (blocks: number): Promise<string[]> => this.scaleOut(t, blocks),
      scaleIn: (blocks: number, options?: { maxIdleSeconds?: number }): Promise<string[]> => this.scaleIn(t, blocks, options),
    };
    return new Proxy(t.executor, {
      get(target, property) {
        if (Object.hasOwn(overrides, property)) return overrides[property];
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private async scaleOut(t: Tracked, requested: number): Promise<string[]> {
    if (this.stopped || t.bad) {
      this.logger.debug({ executor: t.label, requested, stopped: this.stopped, badState: t.bad !== undefined }, 'scale-out refused');
      return [];
    }
    const blocks = Math.floor(requested);
    if (!(blocks > 0)) return [];
    const maxBlocks = whole(t.executor.provider.maxBlocks, 0);
    const active = [...t.status.values()].filter((s) => !TERMINAL_JOB_STATES.has(s.state)).length;
    const allowed = Math.min(blocks, maxBlocks - active);
    if (allowed < blocks) this.logger.warn({ executor: t.label, requested: blocks, active, maxBlocks }, 'scale-out capped at maxBlocks');
    if (allowed <= 0) return [];
    let ids: string[];
    try {
      ids = await this.watch(t.executor.scaleOut(allowed));
    } catch (err) {
      await this.launchFailed(t, err);
      throw err;
    }
    for (const blockId of ids) {
      if (t.status.has(blockId)) continue;
      const status: JobStatus = { state: JobState.pending };
      t.status.set(blockId, status);
      this.record(t, blockId, status);
    }
    this.logger.info({ executor: t.label, blockIds: ids }, 'blocks submitted');
    return ids;
  }

  private async scaleIn(t: Tracked, requested: number, options?: { maxIdleSeconds?: number }): Promise<string[]> {
    if (this.stopped) return [];
    const blocks = Math.floor(requested);
    if (!(blocks > 0)) return [];
    const ids = await this.watch(options ? t.executor.scaleIn(blocks, options) : t.executor.scaleIn(blocks));
    for (const blockId of ids) {
      const status: JobStatus = { state: JobState.scaledIn };
      t.status.set(blockId, status);
      this.record(t, blockId, status);
    }
    this.logger.info({ executor: t.label, blockIds: ids }, 'blocks scaled in');
    return ids;
  }

  /** Remember a scale operation until it settles, so that `stop()` can wait for it. */
  private watch<T>(operation: Promise<T>): Promise<T> {
    this.scaling.add(operation);
    const forget = (): void => { this.scaling.delete(operation); };
    operation.then(forget, forget);
    return operation;
  }

  private async launchFailed(t: Tracked, err: unknown): Promise<void> {
    t.launchFailures++;
    const blockId = `submit-failure-${t.launchFailures}`;
    const status: JobStatus = { state: JobState.failed, message: `submitting a block failed: ${(err as Error)?.message ?? String(err)}` };
    this.record(t, blockId, status);
    this.logger.warn({ err, executor: t.label }, 'submitting a block failed');
    await this.countFailure(t, blockId, status);
  }

  private record(t: Tracked, blockId: string, status: JobStatus): void {
    this.logger.info({ executor: t.label, blockId, state: status.state, ...(status.message ? { message: status.message } : {}) }, 'block state');
    if (!this.monitoring) return;
    try {
      this.monitoring.send({
        kind: 'block', runId: this.runId, time: Date.now(), executor: t.label, blockId, state: status.state,
        ...(status.message !== undefined ? { message: status.message } : {}),
      });
    } catch (err) {
      this.logger.debug({ err }, 'monitoring radio refused a block record');
    }
  }

  /** Wait for `work`, at most `ms`, and (when `stoppable`) no longer than until `stop()`. */
  private async bounded(work: Promise<unknown>, ms: number, stoppable: boolean): Promise<Outcome> {
    if (stoppable && this.stopped) return 'stopped';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
      timer.unref();
    });
    const done = work.then((): Outcome => 'done', (): Outcome => 'done');
    try {
      return await Promise.race(stoppable ? [done, timeout, this.stopSignal] : [done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function seconds(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function whole(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** The last couple of KiB of a file, or undefined when there is no such file. */
async function tail(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      let text = buffer.toString('utf8');
      if (size > length) text = `…${text.slice(text.indexOf('\n') + 1)}`;
      return text.trim() || undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
