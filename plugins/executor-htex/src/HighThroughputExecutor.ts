import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  AppTimeout, ConfigError, ErrorCodes, InterchangeLost, JobState, ManagerLost, ParslError, TaskCancelled, WIRE_PROTOCOL_VERSION, WorkerLost,
  type BlockScalingExecutor, type ExecutionProvider, type ExecutorContext, type ExecutorTask, type JobStatus, type Logger,
  type MonitoringRecord, type PluginManifest, type Serializer, type TaskOutcomeReceiver,
} from '@parsl-ts/core';
import { newSecret } from './protocol/auth.js';
import { FramePipe } from './protocol/FramePipe.js';
import { PendingTasks } from './PendingTasks.js';
import {
  ResultKind, type ExecutorToInterchange, type InterchangeToExecutor, type ManagerStats, type ResultEnvelope, type TaskEnvelope,
} from './protocol/messages.js';
import { plugin } from './manifest.js';
import { makeRunCertificate, type RunCertificate } from './tls/selfSignedCertificate.js';

/**
 * Options of the {@link HighThroughputExecutor}. Plain data, except `provider`.
 *
 * @since 0.1.0
 */
export interface HighThroughputExecutorOptions {
  /** Executor label. Default `htex`. */
  label?: string;
  /** Where blocks of nodes come from (e.g. `new LocalProvider()`, `new SlurmProvider({...})`). */
  provider: ExecutionProvider;
  /** Address the interchange listens on, reachable from the workers. Default `127.0.0.1`. */
  address?: string;
  /** Port of the interchange; 0 (default) picks a free one. */
  port?: number;
  /** Worker processes per node. Default: one per core of the node (`provider.coresPerNode` or this machine's). */
  maxWorkersPerNode?: number;
  /** Cores each worker needs; with coresPerNode it bounds the workers per node. Default 1. */
  coresPerWorker?: number;
  /** Tasks a manager holds beyond one per worker, to hide latency. Default 0. */
  prefetchCapacity?: number;
  /** Accelerators (GPU ids) to pin workers to, one per worker. */
  availableAccelerators?: readonly string[];
  /** Seconds between heartbeats. Default 2. */
  heartbeatPeriod?: number;
  /** Seconds without a heartbeat before a manager or the interchange counts as lost. Default 10. */
  heartbeatThreshold?: number;
  /**
   * Serve the interchange over TLS (wss://) with a per-run self-signed certificate whose
   * fingerprint worker pools pin. Needs `openssl` on the submit side. Default false.
   */
  tls?: boolean;
  /** Frames larger than this are refused, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Memory each worker needs, in MB; a node runs no more workers than fit in its memory. */
  memPerWorker?: number;
  /** Seconds before the block's walltime at which a worker pool stops taking tasks. Default 60 (with a provider walltime). */
  drainMargin?: number;
  /** Seconds a block may stay idle before the strategy scales it in. Default 120. */
  maxIdleTime?: number;
  /** The command that starts a worker pool on a node. Default: this package's `parsl-ts-worker-pool`, run by the same node. */
  workerPoolCommand?: string;
}

/** Payload bytes above which a batch of submitted tasks is cut into another frame to the interchange. */
const SUBMIT_FRAME_BYTES = 256 * 1024;
const INTERCHANGE_MAIN = fileURLToPath(new URL('./interchange/main.js', import.meta.url));
const WORKER_POOL_MAIN = fileURLToPath(new URL('./manager/main.js', import.meta.url));
const decoder = new TextDecoder();

/**
 * The HighThroughputExecutor, as in Parsl: the submit side sends tasks in batches to an
 * interchange process; worker pools (one manager per node, started in blocks by the provider)
 * connect to it over WebSocket, prove the run's secret, and run the tasks in worker processes.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [new HighThroughputExecutor({
 *   label: 'htex', provider: new LocalProvider({ initBlocks: 1, maxBlocks: 2 }), maxWorkersPerNode: 2 })] });
 * ```
 */
export class HighThroughputExecutor implements BlockScalingExecutor {
  /** @inheritDoc */
  readonly label: string;
  /** @inheritDoc */
  readonly kind = 'htex';
  /** @inheritDoc */
  readonly provider: ExecutionProvider;
  /** @inheritDoc */
  readonly options: Readonly<Record<string, unknown>>;
  /** Seconds an idle block is kept before scale-in. */
  readonly maxIdleTime: number;

  private readonly settings: Required<Omit<HighThroughputExecutorOptions, 'provider' | 'label' | 'availableAccelerators' | 'workerPoolCommand' | 'memPerWorker' | 'tls'>> & { availableAccelerators: readonly string[]; workerPoolCommand: string | undefined; memPerWorker: number; tls: boolean };
  private context: ExecutorContext | undefined;
  private logger: Logger | undefined;
  private serializer: Serializer | undefined;
  private interchange: ChildProcess | undefined;
  private interchangePipe: FramePipe<InterchangeToExecutor, ExecutorToInterchange> | undefined;
  /** One-off listeners on the interchange's messages (diagnostics). */
  private readonly interchangeListeners = new Set<(message: InterchangeToExecutor) => void>();
  private port = 0;
  private secretFile = '';
  private certificate: RunCertificate | undefined;
  private readonly pending = new PendingTasks();
  private outbox: TaskEnvelope[] = [];
  private flushScheduled = false;
  private shuttingDown = false;
  private readonly blocks = new Map<string, string>(); // blockId -> jobId
  private readonly scaledIn = new Set<string>();
  private badState: ParslError | undefined;
  private nextBlock = 0;
  private managerStats: readonly ManagerStats[] = [];
  private lastStats = 0;
  private statsWatch: NodeJS.Timeout | undefined;
  /** Managers connected, as monitoring knows them (the ones still here at shutdown are recorded gone). */
  private readonly monitoredManagers = new Map<string, { blockId: string; hostname: string; workers: number }>();

  constructor(options: HighThroughputExecutorOptions) {
    if (!options || typeof options.provider?.submit !== 'function') {
      throw new ConfigError('the HighThroughputExecutor needs a provider that starts its worker pools', {
        path: 'provider', hint: "pass provider: new LocalProvider() (from '@parsl-ts/provider-local') or a scheduler's provider",
      });
    }
    const positive = (name: string, value: number | undefined, whole = true): void => {
      if (value !== undefined && (typeof value !== 'number' || !(value > 0) || (whole && !Number.isInteger(value)))) {
        throw new ConfigError(`must be a positive${whole ? ' whole' : ''} number, got ${String(value)}`, { path: name, hint: `remove ${name} for the default` });
      }
    };
    positive('maxWorkersPerNode', options.maxWorkersPerNode);
    positive('coresPerWorker', options.coresPerWorker, false);
    positive('heartbeatPeriod', options.heartbeatPeriod, false);
    positive('heartbeatThreshold', options.heartbeatThreshold, false);
    positive('maxMessageBytes', options.maxMessageBytes);
    positive('memPerWorker', options.memPerWorker, false);
    if (options.drainMargin !== undefined && !(typeof options.drainMargin === 'number' && options.drainMargin >= 0)) {
      throw new ConfigError(`must be a number of seconds >= 0, got ${String(options.drainMargin)}`, { path: 'drainMargin' });
    }
    if (options.prefetchCapacity !== undefined && !(Number.isInteger(options.prefetchCapacity) && options.prefetchCapacity >= 0)) {
      throw new ConfigError(`must be a whole number >= 0, got ${String(options.prefetchCapacity)}`, { path: 'prefetchCapacity' });
    }
    this.label = options.label ?? 'htex';
    this.provider = options.provider;
    const cores = options.provider.coresPerNode ?? availableParallelism();
    const coresPerWorker = options.coresPerWorker ?? 1;
    const byCores = Math.max(1, Math.floor(cores / coresPerWorker));
    this.settings = {
      address: options.address ?? '127.0.0.1',
      port: options.port ?? 0,
      maxWorkersPerNode: Math.min(options.maxWorkersPerNode ?? byCores, byCores),
      coresPerWorker,
      prefetchCapacity: options.prefetchCapacity ?? 0,
      availableAccelerators: options.availableAccelerators ?? [],
      heartbeatPeriod: options.heartbeatPeriod ?? 2,
      heartbeatThreshold: options.heartbeatThreshold ?? 10,
      maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
      maxIdleTime: options.maxIdleTime ?? 120,
      memPerWorker: options.memPerWorker ?? 0,
      tls: options.tls ?? false,
      drainMargin: options.drainMargin ?? 60,
      workerPoolCommand: options.workerPoolCommand,
    };
    if (this.settings.availableAccelerators.length > 0) {
      this.settings.maxWorkersPerNode = Math.min(this.settings.maxWorkersPerNode, this.settings.availableAccelerators.length);
    }
    this.maxIdleTime = this.settings.maxIdleTime;
    const { provider: _provider, ...plain } = options;
    this.options = { ...plain, label: this.label, provider: options.provider.label };
  }

  /** @inheritDoc */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** @inheritDoc */
  get outstanding(): number {
    return this.pending.size;
  }

  /** @inheritDoc */
  get workersPerBlock(): number {
    return this.settings.maxWorkersPerNode * this.provider.nodesPerBlock;
  }

  /** Managers currently connected, with their load (refreshed every second). */
  get managers(): readonly ManagerStats[] {
    return this.managerStats;
  }

  /** The interchange's port (after start). */
  get interchangePort(): number {
    return this.port;
  }

  /** The interchange's process id (after start); for diagnostics and fault tests. */
  get interchangePid(): number | undefined {
    return this.interchange?.pid;
  }

  /**
   * Diagnostics for benchmarks: the interchange collects garbage and reports its heap in use, the
   * bytes of its ArrayBuffers (the task payloads it holds live there, outside the heap) and how
   * many tasks it holds in its queue. Rejects after `timeoutMs`.
   */
  interchangeHeap(timeoutMs = 5000): Promise<{ heapUsed: number; arrayBuffers: number; queued: number }> {
    if (!this.interchangePipe?.open) return Promise.reject(new Error('the interchange is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.interchangeListeners.delete(listener); reject(new Error(`the interchange did not report its heap within ${timeoutMs} ms`)); }, timeoutMs);
      const listener = (message: InterchangeToExecutor): void => {
        if (message.t !== 'heap') return;
        clearTimeout(timer);
        this.interchangeListeners.delete(listener);
        resolve({ heapUsed: message.heapUsed, arrayBuffers: message.arrayBuffers, queued: message.queued });
      };
      this.interchangeListeners.add(listener);
      this.toInterchange({ t: 'heap' });
    });
  }

  /** @inheritDoc */
  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
    this.logger = context.logger;
    this.serializer = context.serializer;
    mkdirSync(context.runDir, { recursive: true });
    await this.provider.init?.({ runDir: context.runDir, logger: context.logger.child({ provider: this.provider.label }) });
    const secret = newSecret();
    this.secretFile = join(context.runDir, 'interchange.secret');
    writeFileSync(this.secretFile, `${secret}\n`, { mode: 0o600 });
    if (this.settings.tls) this.certificate = makeRunCertificate(context.runDir, this.settings.address);
    const log = openSync(join(context.runDir, 'interchange.log'), 'a');
    try {
      // Descriptor 3 is the link (a socket pair carrying msgpack frames; see FramePipe).
      this.interchange = spawn(process.execPath, [INTERCHANGE_MAIN], { stdio: ['ignore', log, log, 'pipe'] });
    } finally {
      closeSync(log);
    }
    const child = this.interchange;
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConfigError(`the interchange of ${this.label} did not start within 30 s`, {
        code: ErrorCodes.ExecutorStart, hint: `see ${join(context.runDir, 'interchange.log')}`,
      })), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new ConfigError(`the interchange of ${this.label} exited with code ${code} while starting`, {
          code: ErrorCodes.ExecutorStart, hint: `see ${join(context.runDir, 'interchange.log')}; is ${this.settings.address}:${this.settings.port} free?`,
        }));
      });
      this.interchangePipe = new FramePipe<InterchangeToExecutor, ExecutorToInterchange>(child.stdio[3] as Duplex, {
        onMessage: (message) => {
          if (message.t === 'ready') {
            clearTimeout(timer);
            resolve(message.port);
          } else this.onInterchangeMessage(message);
          for (const listener of this.interchangeListeners) listener(message);
        },
        // The process's exit is what counts (onInterchangeExit); a closed link alone means it is on its way out.
        onClose: () => undefined,
        onGarbage: (error) => this.logger?.error({ err: error }, 'undecodable frame from the interchange; link closed'),
      });
    });
    child.on('exit', (code, signal) => this.onInterchangeExit(code, signal));
    this.toInterchange({
      t: 'start', settings: {
        address: this.settings.address, port: this.settings.port, secret, serializer: context.serializer.descriptor,
        heartbeatPeriod: this.settings.heartbeatPeriod, heartbeatThreshold: this.settings.heartbeatThreshold,
        maxMessageBytes: this.settings.maxMessageBytes, version: plugin.version, protocol: WIRE_PROTOCOL_VERSION,
        ...(this.certificate ? { tls: { certFile: this.certificate.certFile, keyFile: this.certificate.keyFile } } : {}),
      },
    });
    this.port = await ready;
    this.lastStats = Date.now();
    // The interchange reports every second; silence past the threshold means it is stuck.
    this.statsWatch = setInterval(() => {
      if (!this.shuttingDown && Date.now() - this.lastStats > this.settings.heartbeatThreshold * 1000) {
        this.logger?.error('the interchange stopped answering; killing it');
        this.interchange?.kill('SIGKILL');
      }
    }, 1000);
    this.statsWatch.unref();
    this.logger?.info({ port: this.port }, 'interchange started');
  }

  /** @inheritDoc */
  submit(task: ExecutorTask): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.submitTask(task, { taskSucceeded: (_id, _try, value) => resolve(value), taskFailed: (_id, _try, error) => reject(error) });
    });
  }

  /** @inheritDoc */
  submitTask(task: ExecutorTask, receiver: TaskOutcomeReceiver): void {
    if (this.badState) {
      receiver.taskFailed(task.id, task.try, this.badState);
      return;
    }
    if (this.shuttingDown || !this.interchange) {
      receiver.taskFailed(task.id, task.try, new TaskCancelled(task.id, this.interchange ? 'the executor is shutting down' : 'the executor was not started'));
      return;
    }
    let payload: Uint8Array;
    try {
      payload = this.serializer!.serialize(task);
    } catch (error) {
      receiver.taskFailed(task.id, task.try, error);
      return;
    }
    const walltimeSeconds = task.walltimeSeconds ?? 0;
    this.pending.add(task.id, task.try, receiver, task.appName, walltimeSeconds);
    this.outbox.push([task.id, task.try, task.priority, walltimeSeconds, payload]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** @inheritDoc */
  async scaleOut(blocks: number): Promise<string[]> {
    const started: string[] = [];
    for (let i = 0; i < blocks; i++) {
      const blockId = String(this.nextBlock++);
      const command = this.workerPoolCommand(blockId);
      const jobId = await this.provider.submit(command, 1, `parsl.${this.label}.block-${blockId}`);
      this.blocks.set(blockId, jobId);
      started.push(blockId);
      this.context?.monitoring?.send({ kind: 'block', runId: this.context.runId, time: Date.now(), executor: this.label, blockId, jobId, state: 'pending' });
      this.logger?.info({ blockId, jobId }, 'block submitted');
    }
    return started;
  }

  /** @inheritDoc */
  async scaleIn(blocks: number, options: { maxIdleSeconds?: number } = {}): Promise<string[]> {
    const idle = this.idleSeconds();
    const candidates = [...this.blocks.keys()]
      // A busy block reports 0 and is never idle, even for maxIdleSeconds 0 (core's idleLongEnough;
      // written out here so that this plugin keeps working with core 0.1.0).
      .filter((b) => {
        const seconds = idle.get(b) ?? Infinity;
        return options.maxIdleSeconds === undefined || (seconds > 0 && seconds >= options.maxIdleSeconds);
      })
      .sort((a, b) => (idle.get(b) ?? Infinity) - (idle.get(a) ?? Infinity))
      .slice(0, blocks);
    if (candidates.length === 0) return [];
    this.toInterchange({ t: 'drain', blockIds: candidates });
    await this.provider.cancel(candidates.map((b) => this.blocks.get(b)!));
    for (const b of candidates) {
      this.blocks.delete(b);
      this.scaledIn.add(b);
    }
    this.logger?.info({ blocks: candidates }, 'blocks scaled in');
    return candidates;
  }

  /** @inheritDoc */
  async blockStatus(): Promise<ReadonlyMap<string, JobStatus>> {
    const ids = [...this.blocks.entries()];
    const statuses = ids.length === 0 ? [] : await this.provider.status(ids.map(([, job]) => job));
    const result = new Map<string, JobStatus>(ids.map(([block], i) => [block, statuses[i]!]));
    for (const block of this.scaledIn) result.set(block, { state: JobState.scaledIn });
    return result;
  }

  /** Worker slots of the managers connected now. */
  get connectedWorkers(): number {
    return this.managerStats.reduce((sum, m) => sum + m.workers, 0);
  }

  /**
   * Called by core's job-status poller when blocks keep failing: every pending task, and every
   * task submitted later, fails with `error` (it names the blocks and what their jobs printed).
   */
  setBadState(error: ParslError): void {
    this.badState = error;
    this.pending.failAll(() => error);
    this.logger?.error({ err: error }, 'executor is in a bad state: its blocks keep failing');
  }

  /** @inheritDoc */
  idleSeconds(): ReadonlyMap<string, number> {
    const byBlock = new Map<string, number>();
    for (const block of this.blocks.keys()) byBlock.set(block, Infinity);
    for (const m of this.managerStats) {
      const seconds = m.outstanding > 0 ? 0 : m.idleMs / 1000;
      byBlock.set(m.blockId, Math.min(byBlock.get(m.blockId) ?? Infinity, seconds));
    }
    return byBlock;
  }

  /** @inheritDoc */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (this.statsWatch) clearInterval(this.statsWatch);
    this.pending.failAll((id) => new TaskCancelled(id, 'the executor was shut down'));
    const jobIds = [...this.blocks.values()];
    this.blocks.clear();
    const child = this.interchange;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), Math.max(1000, timeoutMs / 2));
        child.once('exit', () => { clearTimeout(force); resolve(); });
        this.toInterchange({ t: 'stop' });
      });
    }
    for (const [managerId, m] of this.monitoredManagers) this.onManager({ t: 'manager', managerId, ...m, active: false });
    // Managers exit when the interchange goes; cancelling the jobs makes sure of it.
    if (jobIds.length > 0) {
      await this.provider.cancel(jobIds).catch((error: unknown) => this.logger?.error({ err: error }, 'cancelling blocks failed'));
    }
    await this.provider.cancelAll?.().catch((error: unknown) => this.logger?.error({ err: error }, 'cancelling every block failed'));
    this.logger?.info('executor stopped');
  }

  private workerPoolCommand(blockId: string): string {
    const base = this.settings.workerPoolCommand ?? `${shellQuote(process.execPath)} ${shellQuote(WORKER_POOL_MAIN)}`;
    const args = [
      '--url', `${this.certificate ? 'wss' : 'ws'}://${urlHost(this.settings.address)}:${this.port}`, '--secret-file', this.secretFile, '--block-id', blockId,
      ...(this.certificate ? ['--fingerprint', this.certificate.fingerprint] : []),
      '--workers', String(this.settings.maxWorkersPerNode), '--prefetch', String(this.settings.prefetchCapacity),
      '--max-message-bytes', String(this.settings.maxMessageBytes), '--base-dir', process.cwd(),
      ...(this.context?.monitoring ? ['--monitoring', String(this.context.monitoring.resourceMonitoringInterval ?? 0)] : []),
      ...(this.settings.memPerWorker > 0 ? ['--mem-per-worker', String(this.settings.memPerWorker)] : []),
      ...(this.provider.walltimeSeconds !== undefined
        ? ['--drain-after', String(Math.max(1, this.provider.walltimeSeconds - this.settings.drainMargin))] : []),
      ...(this.settings.availableAccelerators.length > 0 ? ['--accelerators', this.settings.availableAccelerators.join(',')] : []),
    ];
    return `${base} ${args.map(shellQuote).join(' ')}`;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0) return;
    const tasks = this.outbox;
    this.outbox = [];
    // Frames of bounded size: the encoder keeps its scratch buffer as large as the largest frame
    // it ever made, and the interchange keeps each frame's bytes while any of its tasks is queued.
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < tasks.length; i++) {
      bytes += tasks[i]![4].byteLength;
      if (bytes >= SUBMIT_FRAME_BYTES || i === tasks.length - 1) {
        this.toInterchange({ t: 'submit', tasks: start === 0 && i === tasks.length - 1 ? tasks : tasks.slice(start, i + 1) });
        start = i + 1;
        bytes = 0;
      }
    }
  }

  private onInterchangeMessage(message: InterchangeToExecutor): void {
    if (message.t === 'results') this.onResults(message.results);
    else if (message.t === 'monitoring') this.onMonitoring(message.records);
    else if (message.t === 'manager') this.onManager(message);
    else if (message.t === 'stats') {
      this.lastStats = Date.now();
      this.managerStats = message.managers;
    } else if (message.t === 'fatal') {
      // A worker pool that cannot run workers will not do better on the next block.
      this.setBadState(new ConfigError(`worker pool ${message.managerId} (block ${message.blockId}) gave up: ${message.message}`, {
        code: ErrorCodes.ExecutorStart,
        hint: 'install the same parsl-ts packages (and the serializer plugin) where the workers run, reachable from the workflow\'s folder',
      }));
    } else if (message.t === 'event') {
      if (message.level === 'warn') this.logger?.warn(message.detail ?? {}, message.message);
      else this.logger?.info(message.detail ?? {}, message.message);
    }
  }

  /**
   * Records from the worker pools (monitoring on): try start/end reports and resource samples,
   * passed to the DataFlowKernel's radio with this run's id and label. A try's start also marks
   * its task running (the pools report it only when monitoring is on).
   */
  private onMonitoring(records: readonly MonitoringRecord[]): void {
    const radio = this.context?.monitoring;
    if (!radio || !Array.isArray(records)) return;
    const runId = this.context!.runId;
    for (const record of records) {
      if (record?.kind === 'try') {
        radio.send({ ...record, runId, executor: this.label });
        if (record.started !== undefined && this.pending.has(record.taskId, record.tryId)) this.context!.taskRunning(record.taskId);
      } else if (record?.kind === 'resource') {
        radio.send({ ...record, runId });
      }
    }
  }

  /** A manager connected or went away: a monitoring `node` record. */
  private onManager(message: Extract<InterchangeToExecutor, { t: 'manager' }>): void {
    if (message.active) this.monitoredManagers.set(message.managerId, message);
    else this.monitoredManagers.delete(message.managerId);
    this.context?.monitoring?.send({
      kind: 'node', runId: this.context.runId, time: Date.now(), executor: this.label, blockId: message.blockId,
      managerId: message.managerId, hostname: message.hostname, workers: message.workers, active: message.active,
    });
  }

  private onResults(results: readonly ResultEnvelope[]): void {
    for (const [id, tryNumber, kind, payload] of results) {
      const timed = kind === ResultKind.timeout ? this.pending.walltimeOf(id) : undefined;
      const receiver = this.pending.take(id, tryNumber);
      if (!receiver) continue;
      if (kind === ResultKind.done) {
        let decoded: [boolean, unknown];
        try {
          decoded = this.serializer!.deserialize(payload) as [boolean, unknown];
        } catch (error) {
          receiver.taskFailed(id, tryNumber, error);
          continue;
        }
        if (decoded[0]) receiver.taskSucceeded(id, tryNumber, decoded[1]);
        else receiver.taskFailed(id, tryNumber, decoded[1]);
      } else if (kind === ResultKind.timeout) {
        receiver.taskFailed(id, tryNumber, new AppTimeout(timed?.appName ?? String(id), timed?.walltimeSeconds ?? 0));
      } else if (kind === ResultKind.workerLost) {
        receiver.taskFailed(id, tryNumber, new WorkerLost(id, decoder.decode(payload)));
      } else {
        receiver.taskFailed(id, tryNumber, new ManagerLost(id, decoder.decode(payload), 'its worker pool disconnected or stopped sending heartbeats'));
      }
    }
  }

  private onInterchangeExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.shuttingDown) return;
    const detail = `the interchange process exited with ${signal ?? `code ${code}`}`;
    this.logger?.error(detail);
    this.pending.failAll((id) => new InterchangeLost(id, detail));
    this.interchange = undefined;
    this.interchangePipe = undefined;
  }

  private toInterchange(message: ExecutorToInterchange): void {
    this.interchangePipe?.send(message);
  }
}

/** An address as the host part of a URL (IPv6 in brackets). */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Quote a word for a POSIX shell. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
