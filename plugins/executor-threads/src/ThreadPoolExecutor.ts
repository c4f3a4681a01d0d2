import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  AppTimeout, ErrorCodes, ParslError, PriorityFifo, TaskCancelled, UsageError, WorkerLost,
  type Executor, type ExecutorContext, type ExecutorTask, type Logger, type PluginManifest, type Serializer,
} from '@parsl-ts/core';
import { plugin } from './manifest.js';
import type { FromWorker, ResultTuple, TaskBatch, ToWorker, WireTask, WorkerBootData } from './messages.js';

/**
 * Options of the {@link ThreadPoolExecutor}. Plain data.
 *
 * @since 0.1.0
 */
export interface ThreadPoolExecutorOptions {
  /** Executor label. Default `threads`. */
  label?: string;
  /** Number of worker threads. Default: one per CPU core. */
  maxThreads?: number;
  /** Tasks sent ahead to each worker, to hide messaging latency. Default 256. */
  prefetch?: number;
  /** Seconds to wait for a worker thread to start. Default 30. */
  startTimeout?: number;
  /** Results are sent back at least this often while a worker is busy, in ms. Default 2. */
  flushIntervalMs?: number;
}

interface PendingTask {
  readonly task: ExecutorTask;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface PoolWorker {
  readonly id: number;
  readonly thread: Worker;
  /** Tasks sent to this worker, in the order it runs them; the first is the running one. */
  readonly inFlight: ExecutorTask[];
  inFlightHead: number;
  ready: boolean;
  exited: boolean;
  /** Being terminated after a walltime: gets no more tasks; what it still holds never started. */
  retiring: boolean;
  walltimeTimer: NodeJS.Timeout | undefined;
  /** The task whose walltime the timer watches. */
  timedTask: ExecutorTask | undefined;
  /** Keys of the functions this worker already has. */
  readonly knownFunctions: Set<string>;
}

const WORKER_URL = new URL('./workerMain.js', import.meta.url);
const BASH_WALLTIME_GRACE_SECONDS = 5;
/** How long shutdown waits for a worker that is still running a task before terminating it. */
const BUSY_SHUTDOWN_GRACE_MS = 3000;

/**
 * The embedded default executor: a pool of worker threads on this machine. Worker threads are
 * separate isolates, so apps travel to them exactly as they travel to remote workers (by value or
 * by reference). Bash apps run as child processes of the workers.
 *
 * A task that exceeds its walltime is stopped by terminating its worker thread (the only way to
 * stop synchronous JavaScript), which is then replaced; a worker that dies fails its running task
 * with WorkerLost and its other tasks go to the remaining workers. Idle workers do not keep the
 * process alive.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [new ThreadPoolExecutor({ label: 'local', maxThreads: 4 })] });
 * ```
 */
export class ThreadPoolExecutor implements Executor {
  /** @inheritDoc */
  readonly label: string;
  /** @inheritDoc */
  readonly kind = 'threads';
  /** @inheritDoc */
  readonly options: Readonly<Required<ThreadPoolExecutorOptions>>;
  /** @inheritDoc */
  get manifest(): PluginManifest {
    return plugin;
  }

  private context: ExecutorContext | undefined;
  private serializer: Serializer | undefined;
  private logger: Logger | undefined;
  private readonly workers = new Map<number, PoolWorker>();
  private readonly pending = new Map<number, PendingTask>();
  private readonly queue = new PriorityFifo<ExecutorTask>((task) => task.priority);
  private nextWorkerId = 0;
  private dispatchScheduled = false;
  private shuttingDown = false;
  private referenced = false;

  constructor(options: ThreadPoolExecutorOptions = {}) {
    const maxThreads = options.maxThreads ?? availableParallelism();
    for (const [key, value] of Object.entries({ maxThreads, prefetch: options.prefetch, startTimeout: options.startTimeout, flushIntervalMs: options.flushIntervalMs })) {
      if (value !== undefined && (typeof value !== 'number' || !(value > 0) || (key !== 'flushIntervalMs' && key !== 'startTimeout' && !Number.isInteger(value)))) {
        throw new UsageError(ErrorCodes.InvalidConfig, `ThreadPoolExecutor: ${key} must be a positive${key === 'flushIntervalMs' || key === 'startTimeout' ? '' : ' whole'} number, got ${String(value)}`, {
          hint: `remove ${key} for the default`,
        });
      }
    }
    this.label = options.label ?? 'threads';
    this.options = {
      label: this.label, maxThreads, prefetch: options.prefetch ?? 256,
      startTimeout: options.startTimeout ?? 30, flushIntervalMs: options.flushIntervalMs ?? 2,
    };
  }

  /** @inheritDoc */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Number of live worker threads. */
  get workerCount(): number {
    return this.workers.size;
  }

  /** @inheritDoc */
  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
    this.serializer = context.serializer;
    this.logger = context.logger;
    const started = Array.from({ length: this.options.maxThreads }, () => this.spawnWorker());
    const results = await Promise.allSettled(started);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) {
      await this.shutdown({ timeoutMs: 5000 });
      throw (failure as PromiseRejectedResult).reason;
    }
    this.logger.info({ threads: this.workers.size }, 'thread pool started');
  }

  /** @inheritDoc */
  submit(task: ExecutorTask): Promise<unknown> {
    if (this.shuttingDown || !this.context) {
      return Promise.reject(new TaskCancelled(task.id, this.context ? 'the executor is shutting down' : 'the executor was not started'));
    }
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.id, { task, resolve, reject });
      this.queue.push(task);
      this.scheduleDispatch();
    });
  }

  /** @inheritDoc */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shuttingDown && this.workers.size === 0) return;
    this.shuttingDown = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    for (const pending of this.pending.values()) {
      pending.reject(new TaskCancelled(pending.task.id, 'the executor was shut down'));
    }
    this.pending.clear();
    this.queue.drain();
    const exits = [...this.workers.values()].map((worker) => this.stopWorker(worker, timeoutMs));
    await Promise.all(exits);
    this.logger?.info('thread pool stopped');
  }

  private spawnWorker(): Promise<void> {
    const id = this.nextWorkerId++;
    const boot: WorkerBootData = {
      serializer: this.serializer!.descriptor, baseDir: process.cwd(), flushIntervalMs: this.options.flushIntervalMs,
    };
    const thread = new Worker(WORKER_URL, { workerData: boot, stdout: false, stderr: false });
    const worker: PoolWorker = { id, thread, inFlight: [], inFlightHead: 0, ready: false, exited: false, retiring: false, walltimeTimer: undefined, timedTask: undefined, knownFunctions: new Set() };
    this.workers.set(id, worker);
    if (!this.referenced) thread.unref();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new UsageError(ErrorCodes.ExecutorStart, `worker thread ${id} of executor ${this.label} did not start within ${this.options.startTimeout} s`, {
          hint: 'the machine may be overloaded; raise startTimeout',
        }));
        void thread.terminate();
      }, this.options.startTimeout * 1000);
      timer.unref();
      thread.on('message', (message: FromWorker) => {
        if (message.t === 'results') {
          this.onResults(worker, message.payload);
        } else if (message.t === 'ready') {
          clearTimeout(timer);
          worker.ready = true;
          resolve();
          this.scheduleDispatch();
        } else if (message.t === 'boot-failed') {
          clearTimeout(timer);
          reject(new UsageError(ErrorCodes.ExecutorStart, `worker thread ${id} of executor ${this.label} failed to start: ${String(message.error)}`, {
            hint: 'the serializer plugin must be installed where the workflow runs',
          }));
        }
      });
      thread.on('error', (error) => {
        this.logger?.error({ err: error, worker: id }, 'worker thread error');
        if (!worker.ready) {
          clearTimeout(timer);
          reject(error);
        }
      });
      thread.on('exit', (code) => {
        clearTimeout(timer);
        this.onWorkerExit(worker, code);
        if (!worker.ready) reject(new UsageError(ErrorCodes.ExecutorStart, `worker thread ${id} exited with code ${code} while starting`));
      });
    });
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    // Batch everything submitted in this tick into one message per worker.
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.shuttingDown || this.queue.length === 0) return;
    const ready = [...this.workers.values()].filter((w) => w.ready && !w.exited && !w.retiring);
    if (ready.length === 0) return;
    this.setReferenced(true);
    // Give each worker its share, up to the prefetch limit, least loaded first.
    ready.sort((a, b) => load(a) - load(b));
    const share = Math.max(1, Math.ceil(this.queue.length / ready.length));
    for (const worker of ready) {
      const room = Math.min(this.options.prefetch - load(worker), share);
      if (room <= 0) continue;
      const batch: ExecutorTask[] = [];
      for (let i = 0; i < room; i++) {
        const task = this.queue.shift();
        if (!task) break;
        if (!this.pending.has(task.id)) continue; // cancelled meanwhile
        batch.push(task);
      }
      if (batch.length === 0) break;
      this.sendBatch(worker, batch);
      if (this.queue.length === 0) break;
    }
  }

  private sendBatch(worker: PoolWorker, batch: ExecutorTask[]): void {
    let bytes: Uint8Array;
    const functions: Record<string, ExecutorTask['fn']> = {};
    const tasks: WireTask[] = [];
    for (const task of batch) {
      const { fn, ...rest } = task;
      const fnKey = fn.mode === 'value' ? fn.hash : `${fn.moduleUrl}#${fn.exportName}@${fn.hash}`;
      if (!worker.knownFunctions.has(fnKey)) functions[fnKey] = fn;
      tasks.push({ ...rest, fnKey });
    }
    try {
      const wire: TaskBatch = { functions, tasks };
      bytes = this.serializer!.serialize(wire);
      for (const key of Object.keys(functions)) worker.knownFunctions.add(key);
    } catch {
      // One task's arguments cannot be serialized: fail that task alone, send the others.
      const good: ExecutorTask[] = [];
      for (const task of batch) {
        try {
          this.serializer!.serialize(task);
          good.push(task);
        } catch (error) {
          this.settle(task.id, task.try, false, error);
        }
      }
      if (good.length > 0) this.sendBatch(worker, good);
      return;
    }
    const wasIdle = load(worker) === 0;
    for (const task of batch) worker.inFlight.push(task);
    const payload = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const message: ToWorker = { t: 'tasks', payload };
    worker.thread.postMessage(message, [payload.buffer as ArrayBuffer]);
    if (wasIdle) this.headStarted(worker);
  }

  /** The first task in a worker's list is the one it runs now: mark it running, arm its walltime. */
  private headStarted(worker: PoolWorker): void {
    if (worker.walltimeTimer) {
      clearTimeout(worker.walltimeTimer);
      worker.walltimeTimer = undefined;
      worker.timedTask = undefined;
    }
    const task = worker.inFlight[worker.inFlightHead];
    if (!task) return;
    this.context?.taskRunning(task.id);
    if (task.walltimeSeconds !== undefined) {
      // Bash commands are killed by the worker itself; the timer is a backstop for a stuck worker.
      const seconds = task.walltimeSeconds + (task.kind === 'bash' ? BASH_WALLTIME_GRACE_SECONDS : 0);
      worker.timedTask = task;
      worker.walltimeTimer = setTimeout(() => this.onWalltime(worker, task), seconds * 1000);
    }
  }

  private onWalltime(worker: PoolWorker, task: ExecutorTask): void {
    if (worker.timedTask !== task || worker.exited) return;
    this.logger?.warn({ taskId: task.id, worker: worker.id, walltime: task.walltimeSeconds }, 'walltime exceeded: terminating worker thread');
    this.settle(task.id, task.try, false, new AppTimeout(task.appName, task.walltimeSeconds!));
    worker.inFlightHead++;
    worker.retiring = true;
    void worker.thread.terminate();
  }

  private onResults(worker: PoolWorker, payload: Uint8Array): void {
    let results: ResultTuple[];
    try {
      results = this.serializer!.deserialize(payload) as ResultTuple[];
    } catch (error) {
      this.logger?.error({ err: error, worker: worker.id }, 'undecodable result batch from worker; terminating it');
      void worker.thread.terminate();
      return;
    }
    for (const [id, tryNumber, ok, value] of results) {
      const head = worker.inFlight[worker.inFlightHead];
      if (head && head.id === id && head.try === tryNumber) {
        worker.inFlight[worker.inFlightHead++] = undefined as never;
      }
      // A task that ran and ended between two result batches never was the head when one arrived:
      // it did run, so it passes through `running` (a no-op for a task already marked running).
      this.context?.taskRunning(id);
      this.settle(id, tryNumber, ok, value);
    }
    if (worker.inFlightHead >= worker.inFlight.length) {
      worker.inFlight.length = 0;
      worker.inFlightHead = 0;
    } else if (worker.inFlightHead > 1024) {
      worker.inFlight.splice(0, worker.inFlightHead);
      worker.inFlightHead = 0;
    }
    this.headStarted(worker);
    if (this.queue.length > 0) this.scheduleDispatch();
    else if (this.pending.size === 0) this.setReferenced(false);
  }

  private settle(id: number, tryNumber: number, ok: boolean, value: unknown): void {
    const pending = this.pending.get(id);
    if (!pending || pending.task.try !== tryNumber) return;
    this.pending.delete(id);
    if (ok) pending.resolve(value);
    else pending.reject(value);
  }

  private onWorkerExit(worker: PoolWorker, code: number): void {
    worker.exited = true;
    if (worker.walltimeTimer) clearTimeout(worker.walltimeTimer);
    this.workers.delete(worker.id);
    if (this.shuttingDown) return;
    const left = worker.inFlight.slice(worker.inFlightHead).filter((t) => this.pending.has(t.id));
    // After a walltime kill the timed-out task is already settled and the others never started.
    const running = worker.retiring ? undefined : left[0];
    const queued = worker.retiring ? left : left.slice(1);
    if (running) {
      this.settle(running.id, running.try, false, new WorkerLost(running.id, `worker thread ${worker.id} exited with code ${code}`));
    }
    if (queued.length > 0) this.queue.unshift(queued);
    if (!worker.ready) return;
    this.logger?.warn({ worker: worker.id, code, requeued: queued.length }, 'worker thread exited; starting a replacement');
    this.spawnWorker().catch((error: unknown) => {
      this.logger?.error({ err: error }, 'replacement worker thread failed to start');
      if (this.workers.size === 0) {
        for (const pending of [...this.pending.values()]) {
          this.settle(pending.task.id, pending.task.try, false, error instanceof ParslError ? error : new WorkerLost(pending.task.id, 'no worker thread could be started'));
        }
      }
    });
  }

  private stopWorker(worker: PoolWorker, timeoutMs: number): Promise<void> {
    if (worker.exited) return Promise.resolve();
    // A worker still running a task (its result is discarded now) gets a short grace to kill its
    // bash commands, then is terminated: a JS task with a pending timer would keep it alive.
    const graceMs = load(worker) > 0 ? Math.min(timeoutMs, BUSY_SHUTDOWN_GRACE_MS) : timeoutMs;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger?.warn({ worker: worker.id }, 'worker thread did not stop in time; terminating it');
        void worker.thread.terminate();
      }, graceMs);
      worker.thread.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const message: ToWorker = { t: 'shutdown' };
      worker.thread.postMessage(message);
    });
  }

  /** Keep the process alive only while there is work, so a forgotten cleanup() cannot hang it. */
  private setReferenced(on: boolean): void {
    if (this.referenced === on) return;
    this.referenced = on;
    for (const worker of this.workers.values()) {
      if (on) worker.thread.ref();
      else worker.thread.unref();
    }
  }
}

function load(worker: PoolWorker): number {
  return worker.inFlight.length - worker.inFlightHead;
}
