import type { File } from '../data/File.js';
import type { PluginManifest } from '../config/PluginManifest.js';
import type { ParslError } from '../errors/ParslError.js';
import type { Logger } from '../dfk/logger.js';
import type { SerializerRegistry } from '../serialization/SerializerRegistry.js';
import type { MonitoringRadio } from './Monitoring.js';
import type { ResourceSpecification } from './ResourceSpecification.js';
import type { Serializer } from './Serializer.js';
import type { ShippedFunction } from './ShippedFunction.js';
import type { TaskStaging } from './Staging.js';
import type { ExecutionProvider, JobStatus } from './ExecutionProvider.js';

/** Where a bash app's stdout or stderr goes: a path (truncate) or `[path, 'a']` to append. */
export type Redirect = string | readonly [path: string, mode: 'w' | 'a'];

/**
 * One try of one task, as handed to an executor. All futures in `args` have been replaced by
 * their values. Plain data: it can be serialized and sent to a worker as it is.
 *
 * @since 0.1.0
 */
export interface ExecutorTask {
  /** Task id. */
  readonly id: number;
  /** Try number, from 0. */
  readonly try: number;
  /** The app's name (for errors and logs). */
  readonly appName: string;
  /** `function`: the result is the function's return value. `bash`: the function returns a command line, which is run. */
  readonly kind: 'function' | 'bash';
  /** The function to run. */
  readonly fn: ShippedFunction;
  /** Arguments, futures resolved. */
  readonly args: readonly unknown[];
  /** Resources the task asks for. */
  readonly resources: ResourceSpecification;
  /** Kill the task after this many seconds. */
  readonly walltimeSeconds?: number;
  /** Lower runs first. */
  readonly priority: number;
  /** For bash apps: where stdout goes. */
  readonly stdout?: Redirect;
  /** For bash apps: where stderr goes. */
  readonly stderr?: Redirect;
  /** Input files (already staged in for separate-task staging). */
  readonly inputs: readonly File[];
  /** Output files the task must produce. */
  readonly outputs: readonly File[];
  /** Extra environment variables for the task (bash apps and worker processes). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * In-task staging steps, when some of the task's files are staged on the worker. Run by
   * `executeTask` of `@parsl-ts/core/worker` around the app; executors only carry them.
   *
   * @since 0.2.0
   */
  readonly staging?: TaskStaging;
}

/**
 * What the DataFlowKernel gives an executor when it starts it.
 *
 * @since 0.1.0
 */
export interface ExecutorContext {
  /** Unique id of the run (a UUID). */
  readonly runId: string;
  /** The executor's own directory under the run directory (created). */
  readonly runDir: string;
  /** Logger scoped to the executor. */
  readonly logger: Logger;
  /** The serializer tasks and results travel with (the config's choice). */
  readonly serializer: Serializer;
  /** Every registered serializer, to decode payloads by header. */
  readonly serializers: SerializerRegistry;
  /** Tell the DataFlowKernel that a task started running on a worker (optional for executors). */
  readonly taskRunning: (taskId: number) => void;
  /** Where to send monitoring records, when monitoring is on. */
  readonly monitoring?: MonitoringRadio;
}

/**
 * Receives the outcomes of tasks handed over with {@link Executor.submitTask}. The DataFlowKernel
 * passes one receiver for all its tasks, so an executor keeps no Promise or closure per task.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * executor.submitTask(task, { taskSucceeded: (id, tryNumber, value) => {}, taskFailed: (id, tryNumber, error) => {} });
 * ```
 */
export interface TaskOutcomeReceiver {
  /** Try `tryNumber` of task `taskId` returned `value`. */
  taskSucceeded(taskId: number, tryNumber: number, value: unknown): void;
  /** Try `tryNumber` of task `taskId` failed with `error` (same errors as `submit` rejects with). */
  taskFailed(taskId: number, tryNumber: number, error: unknown): void;
}

/**
 * An executor runs tasks somewhere: threads in this process, worker pools on cluster nodes, a
 * TaskVine manager. Implementations live in plugins (`@parsl-ts/executor-*`).
 *
 * `submit` returns a Promise of the task's result: the function's return value, or for bash apps
 * the exit code 0. It rejects with the task's error, rebuilt with its class, message and remote
 * stack ({@link errorFromPlain}), or with a coded error such as `WorkerLost` or `AppTimeout`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const executor: Executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 2 });
 * await executor.start(context);
 * const result = await executor.submit(task);
 * await executor.shutdown();
 * ```
 */
export interface Executor {
  /** Unique label; apps choose executors by label. */
  readonly label: string;
  /** Kind of executor, e.g. `threads`, `htex`, `taskvine`. */
  readonly kind: string;
  /** Start workers, sockets, sidecars. Called once by the DataFlowKernel. */
  start(context: ExecutorContext): Promise<void>;
  /** Run one try of a task. */
  submit(task: ExecutorTask): Promise<unknown>;
  /**
   * Optional fast path of `submit`: run one try of a task and report its outcome to `receiver`
   * exactly once, instead of through a Promise. Must not throw: a task that cannot be submitted
   * is reported with `receiver.taskFailed`. The DataFlowKernel uses it when present; executors
   * that hold many outstanding tasks implement it to keep per-task memory small.
   */
  submitTask?(task: ExecutorTask, receiver: TaskOutcomeReceiver): void;
  /**
   * Stop everything the executor started: workers, processes, sockets, timers. Pending tasks are
   * rejected with `TaskCancelled`. Must finish within `timeoutMs` (killing what does not stop).
   */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /** Tasks submitted and not yet finished. */
  readonly outstanding: number;
  /** Plain-data options, for `parsl-ts config check` and monitoring. */
  readonly options?: Readonly<Record<string, unknown>>;
  /**
   * The manifest of the plugin that made this executor. `loadConfig` checks its core range, so an
   * instance created with `new` is checked like one named in a config file.
   */
  readonly manifest?: PluginManifest;
}

/**
 * An executor that gets its workers in blocks from an {@link ExecutionProvider} (HTEX, TaskVine).
 * Core's block scaling and job-status poller drive it through this interface.
 *
 * @since 0.1.0
 */
export interface BlockScalingExecutor extends Executor {
  /** The provider that submits blocks. */
  readonly provider: ExecutionProvider;
  /** Worker slots per block (for the strategy's arithmetic). */
  readonly workersPerBlock: number;
  /** Start `blocks` new blocks; returns their block ids. */
  scaleOut(blocks: number): Promise<string[]>;
  /**
   * Stop `blocks` blocks, idle ones first; returns the block ids stopped. With `maxIdleSeconds`,
   * only blocks for which `idleLongEnough(idle, maxIdleSeconds)` holds may be stopped.
   */
  scaleIn(blocks: number, options?: { maxIdleSeconds?: number }): Promise<string[]>;
  /** Status of every block this executor started. */
  blockStatus(): Promise<ReadonlyMap<string, JobStatus>>;
  /**
   * Seconds since each block last had a task (for idle scale-in); 0 while the block has one, and a
   * block at 0 is never scaled in as idle (see `idleLongEnough`).
   */
  idleSeconds(): ReadonlyMap<string, number>;
  /**
   * Seconds without tasks before the strategy scales in (the whole executor for `simple`, a block
   * for `htexAutoScale`). Default: the strategy's (120).
   */
  readonly maxIdleTime?: number;
  /** Workers connected right now, when the executor knows (logged with every strategy decision). */
  readonly connectedWorkers?: number;
  /**
   * Called by the job-status poller when it first sees a block `failed` or `missing` (its status
   * has the scheduler's message, exit code and output paths). An executor may fail the tasks that
   * were on that block.
   */
  blockFailed?(blockId: string, status: JobStatus): void;
  /**
   * Called once by the job-status poller when several blocks in a row failed (Parsl's "bad
   * state"), with a `BlockFailuresError` (code `PARSL_BLOCK_FAILURES`) that lists them. The
   * executor should reject its pending tasks and later submissions with it; it gets no more blocks.
   */
  setBadState?(error: ParslError): void;
}

/**
 * True when an executor takes part in block scaling.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * if (isBlockScalingExecutor(ex)) await ex.scaleOut(1);
 * ```
 */
export function isBlockScalingExecutor(executor: Executor): executor is BlockScalingExecutor {
  const candidate = executor as Partial<BlockScalingExecutor>;
  return typeof candidate.scaleOut === 'function' && typeof candidate.scaleIn === 'function' && candidate.provider !== undefined;
}
