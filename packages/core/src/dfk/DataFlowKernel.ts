import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import type { App, AppDefinition } from '../apps/AppDefinition.js';
import { AUTO_LOGNAME, INVOCATION_KEYS, type InvocationOptions } from '../apps/AppOptions.js';
import { File } from '../data/File.js';
import { ErrorCodes } from '../errors/codes.js';
import { ParslError } from '../errors/ParslError.js';
import { DependencyError, TaskCancelled } from '../errors/taskErrors.js';
import { ConfigError, UsageError } from '../errors/usageErrors.js';
import { AppFuture } from '../futures/AppFuture.js';
import { DataFuture } from '../futures/DataFuture.js';
import { isBlockScalingExecutor, type Executor, type ExecutorContext, type ExecutorTask, type Redirect, type TaskOutcomeReceiver } from '../interfaces/Executor.js';
import type { Memoizer, MemoOutcome } from '../interfaces/Memoizer.js';
import type { Monitoring, MonitoringRadio } from '../interfaces/Monitoring.js';
import type { Serializer } from '../interfaces/Serializer.js';
import type { ResourceSpecification } from '../interfaces/ResourceSpecification.js';
import type { ShippedFunction } from '../interfaces/ShippedFunction.js';
import type { Staging } from '../interfaces/Staging.js';
import type { Strategy } from '../interfaces/Strategy.js';
import { TaskMemo, type MemoSettings } from '../memo/TaskMemo.js';
import { JobStatusPoller } from '../scaling/JobStatusPoller.js';
import { resolveStrategy } from '../scaling/resolveStrategy.js';
import { SerializerRegistry } from '../serialization/SerializerRegistry.js';
import { StagingManager } from '../staging/StagingManager.js';
import { CORE_VERSION } from '../version.js';
import { setCurrentDataFlowKernel, peekCurrentDataFlowKernel, type TaskSubmitter } from './current.js';
import { collectFutures, isPlainObject, replaceFutures } from './dependencies.js';
import type { Logger } from './logger.js';
import { defaultRetryHandler, type RetryHandler } from './retry.js';
import type { TaskCall, TaskRecord } from './TaskRecord.js';
import { ALL_STATES, TaskState } from './TaskState.js';

/**
 * A change of a task's state, delivered to {@link DataFlowKernel.onTaskEvent} listeners.
 *
 * @since 0.1.0
 */
export interface TaskEvent {
  /** Task id. */
  readonly taskId: number;
  /** App name. */
  readonly appName: string;
  /** State before the change. */
  readonly from: TaskState;
  /** New state. */
  readonly to: TaskState;
  /** Try number. */
  readonly tryNumber: number;
  /** Executor label. */
  readonly executor: string;
  /** Error, for failed and dep_fail. */
  readonly error?: unknown;
}

/** Number of tasks in each state, plus the total submitted. */
export type TaskCounts = Record<TaskState, number> & { submitted: number };

/** Everything a DataFlowKernel is made of, after the config was resolved. @internal */
export interface DataFlowKernelParts {
  executors: readonly Executor[];
  serializer: Serializer;
  serializers: readonly Serializer[];
  retries: number;
  retryHandler: RetryHandler;
  runDir: string;
  name: string;
  logger: Logger;
  closeLogger: () => Promise<void>;
  monitoring: Monitoring | undefined;
  memoizer: Memoizer | undefined;
  /** Checkpoint mode, period, files to load, and whether failures are memoized. */
  memo?: MemoSettings;
  /** Serializer per executor label, overriding `serializer` for that executor. */
  executorSerializers?: Readonly<Record<string, Serializer>>;
  cleanupTimeoutSeconds: number;
  configSummary: Record<string, unknown>;
  /** Block-scaling strategy (default `simple`), run by the job-status poller. */
  strategy?: Strategy;
  /** Seconds between job-status poller rounds (default 5). */
  strategyPeriod?: number;
  /** Stop routing plugin notices to this run's log. */
  releaseNotices?: () => void;
  /** Staging providers for files named by URL (none: files are passed as they are). */
  staging?: readonly Staging[];
  /** Opt-in usage tracking: told the final counts at cleanup (bounded, never throws). */
  usage?: { finish(counts: TaskCounts): Promise<unknown> };
}

const shippedCache = new WeakMap<AppDefinition, ShippedFunction>();
const NO_FILES: readonly File[] = Object.freeze([]);
const NO_DEPENDENCIES: readonly number[] = Object.freeze([]);
const NO_RESOURCES: ResourceSpecification = Object.freeze({});
/** The call settings of each app's plain calls (no invocation options, no redirects), made once. */
const plainCalls = new WeakMap<AppDefinition, TaskCall>();

function plainCall(definition: AppDefinition): TaskCall {
  let call = plainCalls.get(definition);
  if (!call) {
    call = Object.freeze({ ...callSettings(definition, undefined), inputs: NO_FILES, outputs: NO_FILES, stdout: undefined, stderr: undefined });
    plainCalls.set(definition, call);
  }
  return call;
}

/** Resources, priority and walltime of a call: the invocation's options over the app's. */
function callSettings(definition: AppDefinition, invocation: InvocationOptions | undefined): Pick<TaskCall, 'resources' | 'priority' | 'walltimeSeconds'> {
  const opts = definition.options;
  const resources = invocation?.resources ? { ...opts.resources, ...invocation.resources } : (opts.resources ?? NO_RESOURCES);
  const priority = invocation?.priority ?? resources.priority ?? opts.priority ?? 0;
  return { resources, priority, walltimeSeconds: invocation?.walltime ?? opts.walltime };
}

/** The arguments of a call without any (each call's rest array would cost 32 bytes per outstanding task). */
const NO_ARGS = Object.freeze([]) as unknown as unknown[];

/**
 * The dataflow kernel: it receives every app call, waits for the call's futures, hands the task to
 * an executor, retries failures, and settles the task's future. Create it with `loadConfig()`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({});
 * const f = double(21);
 * console.log(await f, dfk.counts().exec_done); // 42 1
 * await dfk.cleanup();
 * ```
 */
export class DataFlowKernel implements TaskSubmitter {
  /** Unique id of this run. */
  readonly runId: string = randomUUID();
  /** This run's directory (`runinfo/NNN`). */
  readonly runDir: string;
  /** The run's logger (writes `parsl.log` in the run directory). */
  readonly logger: Logger;
  /** Serializers known to this run. */
  readonly serializers: SerializerRegistry;
  /** Workflow name. */
  readonly name: string;

  private readonly parts: DataFlowKernelParts;
  private readonly executors = new Map<string, Executor>();
  private readonly labels: string[];
  private readonly active = new Map<number, TaskRecord>();
  private readonly stateCounts: Record<TaskState, number>;
  private readonly listeners = new Set<(event: TaskEvent) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private radio: MonitoringRadio | undefined;
  private poller: JobStatusPoller | undefined;
  private nextTaskId = 0;
  /** Number of the next state transition sent to monitoring (orders the `status` table exactly). */
  private stateSeq = 0;
  private readonly warnedNoMemoizer = new WeakSet<AppDefinition>();
  /** Memo keys and checkpoints of `cache: true` apps; undefined without a memoizer. */
  private readonly memo: TaskMemo | undefined;
  private roundRobin = 0;
  private closing: Promise<void> | undefined;
  /** Stages remote files in and out of tasks; undefined when the config has no staging providers. */
  private readonly staging: StagingManager | undefined;

  private constructor(parts: DataFlowKernelParts) {
    this.parts = parts;
    this.runDir = parts.runDir;
    this.logger = parts.logger;
    this.name = parts.name;
    this.serializers = new SerializerRegistry([parts.serializer, ...parts.serializers, ...Object.values(parts.executorSerializers ?? {})]);
    if (parts.memoizer) {
      this.memo = new TaskMemo(parts.memoizer, parts.memo ?? { mode: undefined, periodSeconds: 1800, files: [], memoizeFailures: false }, parts.logger.child({ component: 'memoizer' }));
    }
    this.stateCounts = Object.fromEntries(ALL_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    for (const executor of parts.executors) {
      if (this.executors.has(executor.label)) {
        throw new ConfigError(`two executors have the label "${executor.label}"`, { path: 'executors', hint: 'give every executor a unique label' });
      }
      this.executors.set(executor.label, executor);
    }
    this.labels = [...this.executors.keys()];
    if (parts.staging !== undefined && parts.staging.length > 0) {
      this.staging = new StagingManager(parts.staging, { runDir: this.runDir, logger: this.logger, submit: (d, a, args) => this.submit(d, a, args) });
    }
  }

  /**
   * Start the executors and monitoring and make this the current DataFlowKernel.
   * Use `loadConfig()` rather than calling this directly.
   *
   * @internal
   */
  static async start(parts: DataFlowKernelParts): Promise<DataFlowKernel> {
    const dfk = new DataFlowKernel(parts);
    const started: Executor[] = [];
    try {
      if (parts.monitoring) dfk.radio = await parts.monitoring.start({ runId: dfk.runId, runDir: dfk.runDir });
      dfk.radio?.send({
        kind: 'workflow_start', runId: dfk.runId, time: Date.now(), name: dfk.name, user: safeUser(), host: hostname(),
        runDir: dfk.runDir, coreVersion: CORE_VERSION, config: parts.configSummary,
      });
      // Earlier runs' checkpoints load before any task can ask for them.
      await dfk.memo?.start({ runDir: dfk.runDir, serializer: parts.serializer, serializers: dfk.serializers });
      for (const executor of parts.executors) {
        const dir = join(dfk.runDir, executor.label);
        mkdirSync(dir, { recursive: true });
        const context: ExecutorContext = {
          runId: dfk.runId, runDir: dir, logger: parts.logger.child({ executor: executor.label }),
          serializer: parts.executorSerializers?.[executor.label] ?? parts.serializer, serializers: dfk.serializers,
          taskRunning: (taskId: number) => dfk.taskRunning(taskId),
          ...(dfk.radio ? { monitoring: dfk.radio } : {}),
        };
        try {
          await executor.start(context);
        } catch (cause) {
          if (cause instanceof ParslError) throw cause;
          throw new ConfigError(`executor ${executor.label} failed to start: ${(cause as Error)?.message ?? cause}`, {
            code: ErrorCodes.ExecutorStart, path: `executors.${executor.label}`, cause,
            hint: `see ${join(dfk.runDir, 'parsl.log')} and the executor's folder ${dir}`,
          });
        }
        started.push(executor);
      }
      // Block scaling: initBlocks now, then the strategy every strategyPeriod seconds.
      if (parts.executors.some(isBlockScalingExecutor)) {
        dfk.poller = new JobStatusPoller({
          executors: parts.executors,
          strategy: parts.strategy ?? resolveStrategy(undefined, { logger: parts.logger.child({ component: 'strategy' }) }),
          strategyPeriod: parts.strategyPeriod ?? 5,
          logger: parts.logger, runId: dfk.runId, ...(dfk.radio ? { monitoring: dfk.radio } : {}),
        });
        await dfk.poller.start();
      }
    } catch (error) {
      await dfk.poller?.stop();
      await Promise.allSettled(started.map((e) => e.shutdown({ timeoutMs: 5000 })));
      await parts.memoizer?.close().catch(() => undefined);
      await parts.monitoring?.stop().catch(() => undefined);
      parts.releaseNotices?.();
      await parts.closeLogger();
      throw error;
    }
    const previous = peekCurrentDataFlowKernel();
    if (previous instanceof DataFlowKernel && !previous.closing) {
      parts.logger.warn('a DataFlowKernel was already loaded; apps now submit to the new one');
    }
    setCurrentDataFlowKernel(dfk);
    parts.logger.info({ runId: dfk.runId, executors: dfk.labels, coreVersion: CORE_VERSION }, 'DataFlowKernel started');
    return dfk;
  }

  /** Labels of the configured executors. */
  get executorLabels(): readonly string[] {
    return this.labels;
  }

  /** The executor with this label. */
  executor(label: string): Executor | undefined {
    return this.executors.get(label);
  }

  /** How many tasks are in each state, and how many were submitted in all. */
  counts(): TaskCounts {
    return { ...this.stateCounts, submitted: this.nextTaskId };
  }

  /** Number of tasks not yet in a final state. */
  get pendingTasks(): number {
    return this.active.size;
  }

  /**
   * Listen to task state changes (progress displays, tests). Returns a function that removes
   * the listener. Listeners run synchronously: keep them cheap.
   */
  onTaskEvent(listener: (event: TaskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Submit one call of an app. Called by the app callables; returns the task's future. */
  submit(definition: AppDefinition, app: App<unknown[], unknown>, args: unknown[]): AppFuture<unknown> {
    const future = new AppFuture<unknown>();
    const id = this.nextTaskId++;
    future.tid = id;
    future.appName = definition.name;
    if (this.closing) {
      future.state = TaskState.failed;
      future.settleReject(new UsageError(ErrorCodes.DataFlowKernelClosed, `app ${definition.name} was called after cleanup()`, {
        hint: 'call apps before dfk.cleanup(), or load a new config with loadConfig()',
      }));
      return future;
    }
    let record: TaskRecord;
    try {
      record = this.makeRecord(id, definition, app, args, future);
      // Stage-in tasks replace remote input files here, so the dependencies below include them.
      if (this.staging !== undefined) this.staging.prepare(record);
    } catch (error) {
      future.state = TaskState.failed;
      this.stateCounts.failed++;
      if (this.radio) {
        // A call rejected before it became a task (bad arguments) is still recorded as one.
        const time = Date.now();
        this.radio.send({ kind: 'task', runId: this.runId, time, taskId: id, appName: definition.name, executor: '', dependencies: [], cache: false, fnHash: '', appKind: definition.kind });
        this.radio.send({ kind: 'task_state', runId: this.runId, time, taskId: id, tryId: 0, state: TaskState.failed, executor: '', error: describeError(error), seq: this.stateSeq++ });
      }
      future.settleReject(error);
      return future;
    }
    this.active.set(id, record);
    this.stateCounts.unsched++;
    if (definition.options.cache === true && !this.parts.memoizer && !this.warnedNoMemoizer.has(definition)) {
      this.warnedNoMemoizer.add(definition);
      this.logger.warn({ app: definition.name }, 'app asks for cache: true, but the config has no memoizer: results are not memoized');
    }
    const deps: PromiseLike<unknown>[] = [];
    collectFutures(record.args, deps);
    if (deps.length > 0) record.dependencies = deps.map((d) => (AppFuture.isFuture(d) ? d.tid : -1));
    this.radio?.send({
      kind: 'task', runId: this.runId, time: Date.now(), taskId: id, appName: definition.name, executor: record.executor, appKind: definition.kind,
      ...(future.stdout !== undefined ? { stdout: future.stdout } : {}), ...(future.stderr !== undefined ? { stderr: future.stderr } : {}),
      dependencies: record.dependencies.slice(), cache: definition.options.cache === true, fnHash: shippedCache.get(definition)?.hash ?? '',
    });
    // Every task's history starts with `unsched`, numbered like the transitions after it.
    this.radio?.send({ kind: 'task_state', runId: this.runId, time: Date.now(), taskId: id, tryId: 0, state: TaskState.unsched, executor: record.executor, seq: this.stateSeq++ });

    if (deps.length === 0) {
      this.launch(record);
    } else {
      this.setState(record, TaskState.pending);
      let remaining = deps.length;
      const onSettled = (): void => {
        if (--remaining === 0) this.dependenciesDone(record, deps);
      };
      for (const dep of deps) dep.then(onSettled, onSettled);
    }
    return future;
  }

  /**
   * Wait until every task submitted so far is in a final state. Bounded by `timeoutMs` when given
   * (rejects with PARSL_TIMEOUT, naming how many tasks are left).
   */
  waitForCurrentTasks(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => { if (timer) clearTimeout(timer); resolve(); };
      this.idleWaiters.push(done);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const i = this.idleWaiters.indexOf(done);
          if (i >= 0) this.idleWaiters.splice(i, 1);
          reject(new UsageError(ErrorCodes.Timeout, `${this.active.size} tasks were still running after ${options.timeoutMs} ms`, {
            hint: 'raise the timeout, or look at the run log for tasks that do not finish',
          }));
        }, options.timeoutMs);
      }
    });
  }

  /**
   * Write a checkpoint now: the outcomes of `cache: true` tasks finished since the last one go to
   * a new file in `runinfo/NNN/checkpoint/` (Parsl's `dfk.checkpoint()`; the way to checkpoint in
   * `manual` mode). Resolves with the file written, or undefined when nothing was new.
   *
   * @since 0.2.0
   * @example
   * ```ts
   * const file = await dfk.checkpoint(); // 'runinfo/004/checkpoint/000002.ckpt'
   * ```
   */
  checkpoint(): Promise<string | undefined> {
    return this.memo ? this.memo.checkpoint() : Promise.resolve(undefined);
  }

  /**
   * Stop the run: no more submissions; tasks not yet launched are cancelled (TaskCancelled);
   * executors are shut down, which stops every worker and child process they started; monitoring
   * and the log are flushed. Bounded by the config's `cleanupTimeout`. Safe to call twice.
   */
  cleanup(): Promise<void> {
    this.closing ??= this.doCleanup();
    return this.closing;
  }

  private async doCleanup(): Promise<void> {
    if (peekCurrentDataFlowKernel() === this) setCurrentDataFlowKernel(undefined);
    const timeoutMs = this.parts.cleanupTimeoutSeconds * 1000;
    this.logger.info({ active: this.active.size }, 'cleanup started');
    // No scaling while the executors shut down (bounded; the executors stop their blocks).
    await this.poller?.stop();
    // Staging providers stop waiting (transfers in flight are cancelled, their tasks fail below).
    this.staging?.close();
    for (const record of [...this.active.values()]) {
      if (record.state === TaskState.unsched || record.state === TaskState.pending) {
        this.fail(record, new TaskCancelled(record.id, 'the DataFlowKernel was cleaned up before the task was launched'), TaskState.failed);
      }
    }
    const results = await Promise.allSettled(this.parts.executors.map((executor) =>
      withTimeout(executor.shutdown({ timeoutMs: Math.max(1000, timeoutMs - 1000) }), timeoutMs,
        `executor ${executor.label} did not shut down within ${timeoutMs} ms`)));
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') this.logger.error({ err: result.reason, executor: this.parts.executors[i]?.label }, 'executor shutdown failed');
    }
    // Results being memoized (and checkpointed) settle their futures first.
    if (this.memo) await withTimeout(this.memo.settled(), timeoutMs, 'memoizing results did not finish').catch((err) => this.logger.error({ err }, 'memoizer did not settle'));
    // An executor must reject what it still held; anything left is cancelled here, so no future hangs.
    for (const record of [...this.active.values()]) {
      this.fail(record, new TaskCancelled(record.id, 'the DataFlowKernel was cleaned up while the task was running'), TaskState.failed);
    }
    // The last checkpoint (every checkpoint mode but manual), then the memoizer closes.
    if (this.memo) await withTimeout(this.memo.stop(), timeoutMs, 'the last checkpoint did not finish').catch((err) => this.logger.error({ err }, 'final checkpoint or memoizer close failed'));
    this.radio?.send({
      kind: 'workflow_end', runId: this.runId, time: Date.now(),
      tasksCompleted: this.stateCounts.exec_done + this.stateCounts.memo_done,
      tasksFailed: this.stateCounts.failed + this.stateCounts.dep_fail,
    });
    if (this.radio) await withTimeout(this.radio.close(), timeoutMs, 'monitoring radio did not close').catch(() => undefined);
    if (this.parts.monitoring) await withTimeout(this.parts.monitoring.stop(), timeoutMs, 'monitoring did not stop').catch(() => undefined);
    if (this.parts.usage) await this.parts.usage.finish(this.counts()).catch(() => undefined);
    this.logger.info({ counts: this.counts() }, 'cleanup done');
    this.parts.releaseNotices?.();
    await this.parts.closeLogger();
  }

  private makeRecord(id: number, definition: AppDefinition, app: App<unknown[], unknown>, args: unknown[], future: AppFuture<unknown>): TaskRecord {
    const opts = definition.options;
    const last = args.length > 0 ? args[args.length - 1] : undefined;
    const invocation = isInvocationOptions(last) ? (last as InvocationOptions) : undefined;
    const executor = this.chooseExecutor(definition);
    // Shared empty lists and resources for the common call without invocation options: every
    // outstanding task holds its record, so per-task allocations add up (≤ 1 KiB per task).
    const outputs = invocation?.outputs ? invocation.outputs.map((o, i) => toFile(o, `outputs[${i}]`, definition.name)) : NO_FILES;
    const inputs = invocation?.inputs ? invocation.inputs.filter((i) => File.isFile(i)) as File[] : NO_FILES;
    if (outputs.length > 0) future.outputs = outputs.map((file) => new DataFuture(file, future));
    const stdout = this.redirect(invocation?.stdout ?? opts.stdout, definition.name, id, 'stdout');
    const stderr = this.redirect(invocation?.stderr ?? opts.stderr, definition.name, id, 'stderr');
    if (invocation) {
      // The function sees Files and resolved paths, not what was passed (strings, AUTO_LOGNAME).
      const seen: Record<string, unknown> = { ...invocation };
      if (invocation.outputs !== undefined) seen.outputs = outputs;
      if (invocation.stdout !== undefined) seen.stdout = stdout;
      if (invocation.stderr !== undefined) seen.stderr = stderr;
      args = args.slice(0, -1).concat(seen);
    }
    future.stdout = stdout === undefined ? undefined : typeof stdout === 'string' ? stdout : stdout[0];
    future.stderr = stderr === undefined ? undefined : typeof stderr === 'string' ? stderr : stderr[0];
    const call = !invocation && stdout === undefined && stderr === undefined ? plainCall(definition) : {
      ...callSettings(definition, invocation), inputs, outputs, stdout, stderr,
    };
    return {
      id, definition, app, future, args: args.length === 0 ? NO_ARGS : args, executor, state: TaskState.unsched, tries: 0, failCost: 0,
      call, dependencies: NO_DEPENDENCIES,
    };
  }

  private chooseExecutor(definition: AppDefinition): string {
    const wanted = definition.options.executors;
    if (wanted === undefined || wanted === 'all') {
      if (this.labels.length === 1) return this.labels[0]!;
      return this.labels[this.roundRobin++ % this.labels.length]!;
    }
    const unknown = wanted.filter((l) => !this.executors.has(l));
    if (unknown.length > 0 || wanted.length === 0) {
      throw new UsageError(ErrorCodes.UnknownExecutor,
        `app ${definition.name} asks for executor(s) ${unknown.map((l) => `"${l}"`).join(', ') || '(none)'}, but the config has ${this.labels.map((l) => `"${l}"`).join(', ')}`, {
          hint: `use one of the configured labels in the app's executors option`,
        });
    }
    return wanted.length === 1 ? wanted[0]! : wanted[this.roundRobin++ % wanted.length]!;
  }

  private redirect(value: InvocationOptions['stdout'], appName: string, id: number, stream: 'stdout' | 'stderr'): Redirect | undefined {
    if (value === undefined) return undefined;
    if (value === AUTO_LOGNAME) {
      const dir = join(this.runDir, 'task_logs', String(Math.floor(id / 10000)).padStart(4, '0'));
      mkdirSync(dir, { recursive: true });
      return join(dir, `${appName}-${id}.${stream}`);
    }
    if (typeof value === 'string' || (Array.isArray(value) && typeof value[0] === 'string' && (value[1] === 'a' || value[1] === 'w'))) {
      return value as Redirect;
    }
    throw new UsageError(ErrorCodes.BadArguments, `app ${appName}: ${stream} must be a path, [path, 'a'|'w'] or AUTO_LOGNAME`, {
      hint: `write { ${stream}: '/tmp/out.txt' } or { ${stream}: ['/tmp/out.txt', 'a'] }`,
    });
  }

  private dependenciesDone(record: TaskRecord, deps: readonly PromiseLike<unknown>[]): void {
    if (record.state !== TaskState.pending) return; // cancelled meanwhile
    const failed: { tid: number; error: unknown }[] = [];
    const values = new Map<PromiseLike<unknown>, unknown>();
    for (const dep of deps) {
      const outcome = AppFuture.isFuture(dep) ? dep.outcome : undefined;
      if (outcome === undefined) {
        // A plain Promise: its value arrives through then(); handled by the slow path below.
        void this.resolvePlainPromises(record, deps);
        return;
      }
      if (outcome.ok) values.set(dep, dep instanceof DataFuture ? dep.file : outcome.value);
      else failed.push({ tid: (dep as AppFuture<unknown>).tid, error: outcome.error });
    }
    this.afterDependencies(record, values, failed);
  }

  private async resolvePlainPromises(record: TaskRecord, deps: readonly PromiseLike<unknown>[]): Promise<void> {
    const values = new Map<PromiseLike<unknown>, unknown>();
    const failed: { tid: number; error: unknown }[] = [];
    for (const dep of deps) {
      try {
        const value = await dep;
        values.set(dep, dep instanceof DataFuture ? dep.file : value);
      } catch (error) {
        failed.push({ tid: AppFuture.isFuture(dep) ? dep.tid : -1, error });
      }
    }
    this.afterDependencies(record, values, failed);
  }

  private afterDependencies(record: TaskRecord, values: Map<PromiseLike<unknown>, unknown>, failed: { tid: number; error: unknown }[]): void {
    if (record.state !== TaskState.pending) return;
    if (failed.length > 0) {
      const first = failed[0]!;
      const root = first.error instanceof DependencyError
        ? { tid: first.error.rootTaskId, error: first.error.rootCause }
        : { tid: first.tid, error: first.error };
      this.fail(record, new DependencyError(record.id, failed.map((f) => f.tid), root.tid, root.error), TaskState.dep_fail);
      return;
    }
    record.args = replaceFutures(record.args, (f) => values.get(f)) as unknown[];
    this.launch(record);
  }

  private launch(record: TaskRecord): void {
    if (record.definition.kind === 'join') {
      void this.runJoin(record);
      return;
    }
    const shipped = shippedCache.get(record.definition);
    if (shipped) {
      this.sendToExecutor(record, shipped);
      return;
    }
    record.definition.shipped(record.app).then((value) => {
      shippedCache.set(record.definition, value);
      if (record.state === TaskState.unsched || record.state === TaskState.pending) this.sendToExecutor(record, value);
    }, (error: unknown) => this.fail(record, error, TaskState.failed));
  }

  private sendToExecutor(record: TaskRecord, fn: ShippedFunction): void {
    // First launch of a cache: true task: look it up (a retry has its key and goes on).
    if (record.definition.options.cache === true && this.memo && !this.memo.keys.has(record.id)) {
      this.memoLookup(record, fn, this.memo);
      return;
    }
    const executor = this.executors.get(record.executor)!;
    let task: ExecutorTask = {
      id: record.id, try: record.tries, appName: record.definition.name,
      kind: record.definition.kind === 'bash' ? 'bash' : 'function', fn,
      args: record.args, resources: record.call.resources, priority: record.call.priority,
      inputs: record.call.inputs, outputs: record.call.outputs,
      ...(record.call.walltimeSeconds !== undefined ? { walltimeSeconds: record.call.walltimeSeconds } : {}),
      ...(record.call.stdout !== undefined ? { stdout: record.call.stdout } : {}),
      ...(record.call.stderr !== undefined ? { stderr: record.call.stderr } : {}),
      ...(record.definition.options.env ? { env: record.definition.options.env } : {}),
    };
    if (this.staging !== undefined) {
      try {
        task = this.staging.withInTaskSteps(record, task);
      } catch (error) {
        this.tryFailed(record, error);
        return;
      }
    }
    this.setState(record, TaskState.launched);
    if (executor.submitTask) {
      // One receiver for every task: no Promise, closure or reaction per outstanding task.
      try {
        executor.submitTask(task, this.outcomes);
      } catch (error) {
        this.tryFailed(record, error);
      }
      return;
    }
    let result: Promise<unknown>;
    try {
      result = executor.submit(task);
    } catch (error) {
      this.tryFailed(record, error);
      return;
    }
    const tryNumber = record.tries;
    result.then(
      (value) => { if (record.tries === tryNumber) this.succeed(record, value); },
      (error: unknown) => { if (record.tries === tryNumber) this.tryFailed(record, error); },
    );
  }

  /** Where executors with `submitTask` report outcomes; a stale try (retried meanwhile) is ignored. */
  private readonly outcomes: TaskOutcomeReceiver = {
    taskSucceeded: (taskId, tryNumber, value) => {
      const record = this.active.get(taskId);
      if (record && record.tries === tryNumber) this.succeed(record, value);
    },
    taskFailed: (taskId, tryNumber, error) => {
      const record = this.active.get(taskId);
      if (record && record.tries === tryNumber) this.tryFailed(record, error);
    },
  };

  private async runJoin(record: TaskRecord): Promise<void> {
    this.setState(record, TaskState.running);
    let inner: unknown;
    try {
      inner = (record.definition.fn as (...a: unknown[]) => unknown)(...record.args);
      // Awaiting a returned future would unwrap it; only a plain Promise (an async join
      // function) is awaited, and what it resolves to is taken as the join's result.
      if (!AppFuture.isFuture(inner) && !Array.isArray(inner) && inner instanceof Promise) {
        const value = await inner;
        if (!Array.isArray(value) && !AppFuture.isFuture(value)) {
          this.succeed(record, value);
          return;
        }
        inner = value;
      }
    } catch (error) {
      this.tryFailed(record, error);
      return;
    }
    const list = Array.isArray(inner) ? inner : [inner];
    if (!list.every((f) => AppFuture.isFuture(f) || f instanceof Promise)) {
      this.fail(record, new UsageError(ErrorCodes.JoinBadReturn, `join app ${record.definition.name} must return a future or a list of futures`, {
        hint: 'return the AppFuture(s) of the apps it calls, e.g. `return [a(1), b(2)]`',
      }), TaskState.failed);
      return;
    }
    this.setState(record, TaskState.joining);
    const settled = await Promise.allSettled(list as PromiseLike<unknown>[]);
    const failedIndex = settled.findIndex((s) => s.status === 'rejected');
    if (failedIndex >= 0) {
      const error = (settled[failedIndex] as PromiseRejectedResult).reason;
      const dep = list[failedIndex];
      const tid = AppFuture.isFuture(dep) ? dep.tid : -1;
      const root = error instanceof DependencyError ? { tid: error.rootTaskId, error: error.rootCause } : { tid, error };
      const failedTids = settled.flatMap((s, i) => (s.status === 'rejected' && AppFuture.isFuture(list[i]) ? [(list[i] as AppFuture).tid] : []));
      this.fail(record, new DependencyError(record.id, failedTids, root.tid, root.error), TaskState.failed);
      return;
    }
    const values = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
    this.succeed(record, Array.isArray(inner) ? values : values[0]);
  }

  /** Compute a cache: true task's memo key and look it up: a hit settles it, a miss sends it on. */
  private memoLookup(record: TaskRecord, fn: ShippedFunction, memo: TaskMemo): void {
    let key: string;
    try {
      key = memo.keyFor(record.id, record.definition, fn, record.args);
    } catch (error) {
      this.fail(record, error, TaskState.failed);
      return;
    }
    if (key === '') {
      this.sendToExecutor(record, fn);
      return;
    }
    const stillWaiting = (): boolean => this.active.has(record.id) && (record.state === TaskState.unsched || record.state === TaskState.pending);
    memo.memoizer.lookup(key).then((hit) => {
      if (!stillWaiting()) return;
      if (!hit.found) {
        this.sendToExecutor(record, fn);
        return;
      }
      this.setState(record, TaskState.memo_done);
      this.settleMemoized(record, hit.outcome);
    }, (err: unknown) => {
      this.logger.warn({ err, taskId: record.id }, 'memo lookup failed; running the task');
      if (stillWaiting()) this.sendToExecutor(record, fn);
    });
  }

  /** A finished cache: true task: store its outcome (and checkpoint) before settling. False when it is not memoized. */
  private memoComplete(record: TaskRecord, outcome: MemoOutcome, memo: TaskMemo): boolean {
    const key = memo.keyToStore(record.id, outcome);
    if (key === undefined) return false;
    void memo.completed(key, outcome).then(() => this.settleMemoized(record, outcome));
    return true;
  }

  private settleMemoized(record: TaskRecord, outcome: MemoOutcome): void {
    this.finish(record);
    if (outcome.ok) {
      record.future.settleResolve(outcome.value);
      // A staged-out output's DataFuture settles when its stage-out task does.
      for (const output of record.future.outputs) if (this.staging === undefined || !this.staging.settlesLater(output)) output.settleResolve(output.file);
    } else {
      if (record.state === TaskState.failed) this.logger.info({ taskId: record.id, app: record.definition.name, err: outcome.error }, 'task failed');
      record.future.settleReject(outcome.error);
      for (const output of record.future.outputs) output.settleReject(outcome.error);
    }
  }

  /** Called by executors (through their context) when a task starts running. @internal */
  taskRunning(taskId: number): void {
    const record = this.active.get(taskId);
    if (record && record.state === TaskState.launched) this.setState(record, TaskState.running);
  }

  private succeed(record: TaskRecord, value: unknown): void {
    if (!this.active.has(record.id)) return;
    this.setState(record, TaskState.exec_done);
    if (this.memo !== undefined && this.memo.keys.size > 0 && this.memoComplete(record, { ok: true, value }, this.memo)) return;
    this.finish(record);
    record.future.settleResolve(value);
    // A staged-out output's DataFuture settles when its stage-out task does.
    for (const output of record.future.outputs) if (this.staging === undefined || !this.staging.settlesLater(output)) output.settleResolve(output.file);
  }

  private tryFailed(record: TaskRecord, error: unknown): void {
    if (!this.active.has(record.id)) return;
    const handler = record.definition.options.retryHandler ?? this.parts.retryHandler;
    const retries = record.definition.options.retries ?? this.parts.retries;
    const retryable = !this.closing && !(error instanceof TaskCancelled) && retries > 0;
    if (retryable) {
      let cost: number;
      try {
        cost = handler(error, { taskId: record.id, appName: record.definition.name, tryNumber: record.tries, failCost: record.failCost, executor: record.executor });
      } catch (handlerError) {
        this.logger.error({ err: handlerError, taskId: record.id }, 'retryHandler threw; not retrying');
        cost = Infinity;
      }
      record.failCost += Number.isFinite(cost) && cost >= 0 ? cost : Infinity;
      if (record.failCost <= retries) {
        this.logger.info({ taskId: record.id, try: record.tries, failCost: record.failCost, err: error }, 'task failed; retrying');
        this.emit(record, record.state, TaskState.failed, error);
        record.tries++;
        this.setState(record, TaskState.pending);
        this.launch(record);
        return;
      }
    }
    this.fail(record, error, TaskState.failed);
  }

  private fail(record: TaskRecord, error: unknown, state: typeof TaskState.failed | typeof TaskState.dep_fail): void {
    if (!this.active.has(record.id)) return;
    this.setState(record, state, error);
    if (this.memo !== undefined && this.memo.keys.size > 0 && this.memoComplete(record, { ok: false, error }, this.memo)) return;
    this.finish(record);
    if (state === TaskState.failed) this.logger.info({ taskId: record.id, app: record.definition.name, err: error }, 'task failed');
    record.future.settleReject(error);
    for (const output of record.future.outputs) output.settleReject(error);
  }

  private finish(record: TaskRecord): void {
    this.active.delete(record.id);
    if (this.memo !== undefined && this.memo.keys.size > 0) this.memo.keys.delete(record.id);
    if (this.active.size === 0 && this.idleWaiters.length > 0) {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
    }
  }

  private setState(record: TaskRecord, to: TaskState, error?: unknown): void {
    const from = record.state;
    if (from === to) return;
    this.stateCounts[from]--;
    this.stateCounts[to]++;
    record.state = to;
    record.future.state = to;
    if (this.listeners.size > 0 || this.radio) this.emit(record, from, to, error);
  }

  private emit(record: TaskRecord, from: TaskState, to: TaskState, error?: unknown): void {
    if (this.radio) {
      this.radio.send({
        kind: 'task_state', runId: this.runId, time: Date.now(), taskId: record.id, tryId: record.tries, state: to, executor: record.executor,
        seq: this.stateSeq++, ...(error === undefined ? {} : { error: describeError(error) }),
        ...(to === TaskState.launched && shippedCache.has(record.definition) ? { fnHash: shippedCache.get(record.definition)!.hash } : {}),
      });
    }
    if (this.listeners.size === 0) return;
    const event: TaskEvent = { taskId: record.id, appName: record.definition.name, from, to, tryNumber: record.tries, executor: record.executor, ...(error === undefined ? {} : { error }) };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err }, 'task event listener threw');
      }
    }
  }
}

function isInvocationOptions(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (INVOCATION_KEYS.has(key)) return true;
  return false;
}

function toFile(value: unknown, where: string, appName: string): File {
  if (File.isFile(value)) return value;
  if (typeof value === 'string') return new File(value);
  throw new UsageError(ErrorCodes.BadFile, `app ${appName}: ${where} must be a File or a path, got ${value === null ? 'null' : typeof value}`, {
    hint: "write outputs: [new File('/path/to/out.txt')]",
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function safeUser(): string {
  try { return userInfo().username; } catch { return 'unknown'; }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UsageError(ErrorCodes.Timeout, message)), ms);
      timer.unref();
    }),
  ]);
}

/** @internal */
export const scriptName = (): string => basename(process.argv[1] ?? 'workflow');
