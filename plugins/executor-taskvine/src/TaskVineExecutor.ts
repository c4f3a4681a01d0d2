import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ErrorCodes, JobState, TaskCancelled, UsageError, installTranspilerHelpers,
  type ExecutionProvider, type Executor, type ExecutorContext, type ExecutorTask, type JobStatus, type Logger,
  type ParslError, type PluginManifest, type Redirect, type Serializer, type ShippedFunction, type TaskOutcomeReceiver,
} from '@parsl-ts/core';
import { cachedShippedFunction, resolveShippedFunction } from '@parsl-ts/core/worker';
import { WorkerFactory } from './factory/WorkerFactory.js';
import { plugin } from './manifest.js';
import { SANDBOX_NAMES, type TaskPayload } from './runner/runner.js';
import { shellQuote } from './shellQuote.js';
import { findBackend, type FoundBackend } from './sidecar/findBackend.js';
import { SIDECAR_PROTOCOL_VERSION, type Backend, type FileSpec, type FromSidecar, type SidecarStats, type TaskResult, type TaskSpec, type WorkerEvent } from './sidecar/protocol.js';
import { SidecarProcess } from './sidecar/SidecarProcess.js';
import { sandboxFiles } from './tasks/sandboxFiles.js';
import { bashTaskCommand, functionTaskCommand, type StreamTarget } from './tasks/taskCommand.js';
import { bashOutcome, functionOutcome, type TaskOutcome } from './tasks/taskOutcome.js';
import type { TaskVineError } from './TaskVineError.js';
import { resolveSettings, type TaskVineExecutorOptions, type TaskVineSettings } from './TaskVineExecutorOptions.js';

const SIDECAR_SCRIPT = fileURLToPath(new URL('../sidecar/parsl_ts_sidecar.py', import.meta.url));
const RUNNER_FILE = fileURLToPath(new URL('./runner/runner.js', import.meta.url));
const BLOCK_MAIN = fileURLToPath(new URL('./worker/main.js', import.meta.url));
/** Seconds the manager lets a task run past its walltime before killing it (the task's own `timeout` acts first). */
const MANAGER_WALLTIME_GRACE = 30;

/**
 * What the submit side keeps per try in flight: what settling it needs, the files to clean up, and
 * no Promise or closure of its own (the DataFlowKernel's receiver is shared by every task).
 */
class PendingTry {
  constructor(
    readonly taskId: number,
    readonly tryNumber: number,
    readonly appName: string,
    readonly kind: 'function' | 'bash',
    readonly walltimeSeconds: number | undefined,
    /** The app's own output files. */
    readonly outputs: readonly FileSpec[],
    /** Files of the run directory that belong to this try only (removed once it is settled). */
    readonly scratch: readonly string[],
    /** Streams redirected in append mode: fetched to `from`, appended to `to`. */
    readonly appends: readonly { readonly from: string; readonly to: string }[],
    private readonly receiver: TaskOutcomeReceiver,
  ) {}

  settle(outcome: TaskOutcome): void {
    if (outcome.ok) this.receiver.taskSucceeded(this.taskId, this.tryNumber, outcome.value);
    else this.receiver.taskFailed(this.taskId, this.tryNumber, outcome.error);
  }
}

/**
 * Parsl's TaskVineExecutor for parsl-ts: every task becomes a task of the real cctools manager —
 * TaskVine (`ndcctools.taskvine`) where it is installed, otherwise Work Queue (`work_queue`) —
 * hosted by a small Python sidecar this executor starts and speaks JSON lines with. The manager
 * schedules tasks onto `vine_worker`s / `work_queue_worker`s by their resources, moves their files
 * through the workers' sandboxes (the serialized function cached on each worker), retries tasks
 * whose worker was lost, and keeps its logs in the run directory.
 *
 * JavaScript tasks run in the worker's sandbox through this package's runner; bash apps run as
 * their command line. Workers come in blocks from a provider (each block runs
 * `parsl-ts-taskvine-worker`, which starts the cctools worker next to a pool of warm Node.js
 * processes), or from the cctools factory, or by hand.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [new TaskVineExecutor({
 *   label: 'vine', backend: 'auto', provider: new LocalProvider({ initBlocks: 1, maxBlocks: 2 }), workerCores: 2 })] });
 * ```
 */
export class TaskVineExecutor implements Executor {
  /** @inheritDoc */
  readonly label: string;
  /** @inheritDoc */
  readonly kind = 'taskvine';
  /** Where blocks of workers come from; undefined when workers are started otherwise. */
  readonly provider: ExecutionProvider | undefined;
  /** @inheritDoc */
  readonly options: Readonly<Record<string, unknown>>;
  /** Seconds without tasks before the strategy scales blocks in. */
  readonly maxIdleTime: number;

  private readonly settings: TaskVineSettings;
  private context: ExecutorContext | undefined;
  private logger: Logger | undefined;
  private serializer: Serializer | undefined;
  private sidecar: SidecarProcess | undefined;
  private factory: WorkerFactory | undefined;
  private found: FoundBackend | undefined;
  private port = 0;
  private passwordFile: string | undefined;
  private tasksDir = '';
  private functionsDir = '';
  private readonly functionFiles = new Map<string, string>();
  private readonly pending = new Map<number, PendingTry>();
  private nextKey = 1;
  private outbox: TaskSpec[] = [];
  private flushScheduled = false;
  private shuttingDown = false;
  private lostError: TaskVineError | undefined;
  private badState: ParslError | undefined;
  private stats: SidecarStats | undefined;
  private lastBusy = Date.now();
  private readonly blocks = new Map<string, string>();
  private readonly scaledIn = new Set<string>();
  private nextBlock = 0;
  private readonly workers = new Map<string, { address: string; cores: number; reported: boolean }>();

  constructor(options: TaskVineExecutorOptions = {}) {
    this.settings = resolveSettings(options);
    this.label = options.label ?? 'taskvine';
    this.provider = options.provider;
    this.maxIdleTime = this.settings.maxIdleTime;
    const { provider, ...plain } = options;
    this.options = { ...plain, label: this.label, ...(provider ? { provider: provider.label } : {}) };
  }

  /** @inheritDoc */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** @inheritDoc */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Worker slots per block: the cores each block's worker offers, on every node of the block. */
  get workersPerBlock(): number {
    return this.settings.workerCores * (this.provider?.nodesPerBlock ?? 1);
  }

  /** Workers connected to the manager (refreshed every second). */
  get connectedWorkers(): number {
    return this.stats?.workersConnected ?? 0;
  }

  /** The manager's port (after start): where workers started by hand or by the factory connect. */
  get managerPort(): number {
    return this.port;
  }

  /** The password file workers need (`--password FILE`), when the manager has one (after start). */
  get managerPasswordFile(): string | undefined {
    return this.passwordFile;
  }

  /** The backend in use and the Python interpreter hosting it (after start). */
  get backend(): { readonly backend: Backend; readonly python: string } | undefined {
    return this.found ? { backend: this.found.backend, python: this.found.python } : undefined;
  }

  /** Process id of the sidecar (after start), for diagnostics. */
  get sidecarPid(): number | undefined {
    return this.sidecar?.pid;
  }

  /** The manager's latest statistics (workers connected, busy, tasks waiting and running). */
  get managerStats(): SidecarStats | undefined {
    return this.stats;
  }

  /** @inheritDoc */
  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
    this.logger = context.logger;
    this.serializer = context.serializer;
    const settings = this.settings;
    mkdirSync(context.runDir, { recursive: true });
    this.tasksDir = join(context.runDir, 'tasks');
    this.functionsDir = join(context.runDir, 'functions');
    mkdirSync(this.tasksDir, { recursive: true });
    mkdirSync(this.functionsDir, { recursive: true });
    const script = settings.sidecarScript ?? SIDECAR_SCRIPT;
    const env: NodeJS.ProcessEnv = { ...process.env, ...settings.sidecarEnv };
    this.found = await findBackend({ backend: settings.backend, ...(settings.python !== undefined ? { python: settings.python } : {}), sidecar: script, env });
    const { probe } = this.found;
    const other = this.found.backend === 'workqueue' ? probe.taskvine : undefined;
    this.logger.info({ backend: this.found.backend, python: probe.executable ?? probe.python, pythonVersion: probe.version },
      `${this.label}: using the ${this.found.backend === 'taskvine' ? 'TaskVine' : 'Work Queue'} manager library with ${probe.executable ?? probe.python} (Python ${probe.version})` +
      (other && !other.ok && settings.backend === 'auto' ? `; TaskVine is not importable there (${other.error})` : ''));
    if (settings.password === true) {
      this.passwordFile = join(context.runDir, 'manager.password');
      writeFileSync(this.passwordFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
    } else if (typeof settings.password === 'string') {
      this.passwordFile = settings.password;
    }
    await this.provider?.init?.({ runDir: context.runDir, logger: context.logger.child({ provider: this.provider.label }) });
    const { sidecar, ready } = await SidecarProcess.start({
      python: this.found.python, script, env,
      hello: {
        op: 'hello', protocol: SIDECAR_PROTOCOL_VERSION, backend: this.found.backend, port: settings.port, logDir: join(context.runDir, 'manager'),
        ...(this.passwordFile ? { passwordFile: this.passwordFile } : {}), debugLog: settings.debugLog, tune: settings.tune, window: settings.submitWindow,
      },
      logFile: join(context.runDir, 'sidecar.log'),
      startTimeoutMs: settings.startTimeout * 1000,
      onMessage: (message) => this.onMessage(message),
      onLost: (error) => this.onLost(error),
    });
    this.sidecar = sidecar;
    this.port = ready.port;
    this.logger.info({ port: ready.port, pid: ready.pid, logs: ready.logs }, `${this.label}: manager listening on port ${ready.port}`);
    if (settings.factory) {
      this.factory = WorkerFactory.start(settings.factory, {
        address: settings.address, port: ready.port, passwordFile: this.passwordFile, backend: this.found.backend,
        workerCores: settings.workerCores, idleTimeout: settings.workerIdleTimeout, runDir: context.runDir, logger: this.logger,
      });
    }
  }

  /** Monitoring with resource monitoring on: the runner measures each JavaScript task. */
  private get sampleResources(): boolean {
    return (this.context?.monitoring?.resourceMonitoringInterval ?? 0) > 0;
  }

  /** @inheritDoc */
  submit(task: ExecutorTask): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.submitTask(task, { taskSucceeded: (_id, _try, value) => resolve(value), taskFailed: (_id, _try, error) => reject(error) });
    });
  }

  /** @inheritDoc */
  submitTask(task: ExecutorTask, receiver: TaskOutcomeReceiver): void {
    const refusal = this.badState ?? this.lostError ??
      (this.shuttingDown || !this.sidecar ? new TaskCancelled(task.id, this.sidecar ? 'the executor is shutting down' : 'the executor was not started') : undefined);
    if (refusal) {
      receiver.taskFailed(task.id, task.try, refusal);
      return;
    }
    const key = this.nextKey++;
    this.lastBusy = Date.now();
    try {
      if (task.kind === 'bash' && task.staging === undefined) {
        void this.submitBash(key, task, receiver);
        return;
      }
      this.submitFunction(key, task, receiver);
    } catch (error) {
      this.pending.delete(key);
      receiver.taskFailed(task.id, task.try, error);
    }
  }

  /** The task's arguments as the worker sees them, and its files. */
  private files(task: ExecutorTask): ReturnType<typeof sandboxFiles> {
    return this.settings.sharedFs ? { args: task.args, inputs: [], outputs: [] } : sandboxFiles(task.args, { cacheInputs: this.settings.cacheInputFiles });
  }

  /** The function's file, written once per function and cached by the workers. */
  private functionFile(fn: ShippedFunction): { key: string; path: string } {
    const key = createHash('sha256').update(fn.mode === 'value' ? `value:${fn.hash}` : `reference:${fn.moduleUrl}#${fn.exportName}:${fn.hash}`).digest('hex').slice(0, 32);
    let path = this.functionFiles.get(key);
    if (path === undefined) {
      path = join(this.functionsDir, `${key}.fn`);
      writeFileSync(path, this.serializer!.serialize(fn));
      this.functionFiles.set(key, path);
    }
    return { key, path };
  }

  private submitFunction(key: number, task: ExecutorTask, receiver: TaskOutcomeReceiver): void {
    const { args, inputs, outputs } = this.files(task);
    const fn = this.functionFile(task.fn);
    const { fn: _fn, ...rest } = task;
    const payload: TaskPayload = { fnHash: fn.key, task: { ...rest, args }, ...(this.sampleResources ? { sampleResources: true } : {}) };
    const taskFile = join(this.tasksDir, `${key}.task`);
    const resultFile = join(this.tasksDir, `${key}.result`);
    writeFileSync(taskFile, this.serializer!.serialize(payload));
    for (const output of outputs) mkdirSync(dirname(output.local), { recursive: true });
    this.pending.set(key, new PendingTry(task.id, task.try, task.appName, 'function', task.walltimeSeconds, outputs, [taskFile, resultFile], [], receiver));
    this.enqueue({
      key, command: functionTaskCommand(task.walltimeSeconds, this.settings.workerNode ?? 'node'),
      inputs: [
        { local: RUNNER_FILE, remote: SANDBOX_NAMES.runner, cache: true },
        { local: fn.path, remote: SANDBOX_NAMES.fn, cache: true },
        { local: taskFile, remote: SANDBOX_NAMES.task },
        ...inputs,
      ],
      outputs: [{ local: resultFile, remote: SANDBOX_NAMES.result }, ...outputs],
      env: {
        ...task.env,
        PARSL_TS_SERIALIZER: JSON.stringify(this.serializer!.descriptor),
        PARSL_TS_BASE_DIR: this.settings.workerBaseDir,
      },
      ...this.managerFields(task),
    });
  }

  /**
   * A bash app runs as its command line: its function is called here, with the Files named as in
   * the sandbox, and the command it returns becomes the manager task's command.
   */
  private async submitBash(key: number, task: ExecutorTask, receiver: TaskOutcomeReceiver): Promise<void> {
    const { args, inputs, outputs } = this.files(task);
    const scratch: string[] = [];
    const appends: { from: string; to: string }[] = [];
    const streamOutputs: FileSpec[] = [];
    const stream = (redirect: Redirect | undefined, which: 'stdout' | 'stderr'): StreamTarget | undefined => {
      if (redirect === undefined) return undefined;
      const [path, mode] = typeof redirect === 'string' ? [redirect, 'w'] : redirect;
      mkdirSync(dirname(path), { recursive: true });
      if (this.settings.sharedFs) return { path, append: mode === 'a' };
      const remote = SANDBOX_NAMES[which];
      if (which === 'stderr' && task.stdout !== undefined && streamTarget(task.stdout) === path) return { path: SANDBOX_NAMES.stdout, append: false };
      if (mode === 'a') {
        const fetched = join(this.tasksDir, `${key}.${which}`);
        scratch.push(fetched);
        appends.push({ from: fetched, to: path });
        streamOutputs.push({ local: fetched, remote });
      } else {
        streamOutputs.push({ local: path, remote });
      }
      return { path: remote, append: false };
    };
    this.pending.set(key, new PendingTry(task.id, task.try, task.appName, 'bash', task.walltimeSeconds, outputs, scratch, appends, receiver));
    let commandLine: string;
    try {
      installTranspilerHelpers();
      const fn = cachedShippedFunction(task.fn) ?? await resolveShippedFunction(task.fn);
      const value = await fn(...args);
      if (typeof value !== 'string' || value.trim().length === 0) {
        throw new UsageError(ErrorCodes.BashBadCommand, `bash app ${task.appName} returned ${typeof value === 'string' ? 'an empty string' : `a ${typeof value}`}, not a command line`, {
          hint: 'a bash app\'s function must return the command to run as a string, e.g. `(n) => `echo ${n}``',
        });
      }
      commandLine = value;
    } catch (error) {
      if (this.pending.delete(key)) receiver.taskFailed(task.id, task.try, error);
      return;
    }
    if (!this.pending.has(key)) return; // shut down meanwhile
    const stdout = stream(task.stdout, 'stdout');
    const stderr = stream(task.stderr, 'stderr');
    for (const output of outputs) mkdirSync(dirname(output.local), { recursive: true });
    this.enqueue({
      key, command: bashTaskCommand(commandLine, { walltimeSeconds: task.walltimeSeconds, stdout, stderr }),
      inputs, outputs: [...streamOutputs, ...outputs],
      ...(task.env ? { env: task.env } : {}),
      ...this.managerFields(task),
    });
  }

  /** Resources, retries, walltime, priority and category of the manager task. */
  private managerFields(task: ExecutorTask): Pick<TaskSpec, 'cores' | 'memory' | 'disk' | 'gpus' | 'maxRetries' | 'timeMax' | 'priority' | 'category'> {
    const r = task.resources;
    const given = r.cores !== undefined || r.memory !== undefined || r.disk !== undefined || r.gpus !== undefined;
    const resources = given ? r : this.settings.defaultResources;
    const whole = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.ceil(value));
    const category = typeof r.category === 'string' ? r.category : task.appName;
    return {
      ...(resources.cores !== undefined ? { cores: whole(resources.cores)! } : {}),
      ...(resources.memory !== undefined ? { memory: whole(resources.memory)! } : {}),
      ...(resources.disk !== undefined ? { disk: whole(resources.disk)! } : {}),
      ...(resources.gpus !== undefined ? { gpus: whole(resources.gpus)! } : {}),
      maxRetries: this.settings.maxRetries,
      ...(task.walltimeSeconds !== undefined ? { timeMax: Math.ceil(task.walltimeSeconds) + MANAGER_WALLTIME_GRACE } : {}),
      // parsl-ts runs lower priorities first, the manager larger ones.
      priority: -task.priority,
      category,
    };
  }

  private enqueue(spec: TaskSpec): void {
    this.outbox.push(spec);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0) return;
    const tasks = this.outbox;
    this.outbox = [];
    this.sidecar?.send({ op: 'submit', tasks });
  }

  private onMessage(message: FromSidecar): void {
    switch (message.op) {
      case 'results':
        for (const result of message.results) this.onResult(result);
        break;
      case 'running':
        message.keys.forEach((key, i) => this.onRunning(key, message.times?.[i] ?? Date.now()));
        break;
      case 'stats':
        this.stats = message;
        break;
      case 'workers':
        for (const event of message.events) this.onWorker(event);
        break;
      case 'error':
        this.logger?.error({ code: message.code }, `${this.label}: the sidecar reports: ${message.message}`);
        break;
      default:
        break;
    }
  }

  /**
   * The manager sent the task to a worker (at `time`, from its transactions log). The try record
   * goes first, with the manager's time: a short task may be reported running only once it has
   * ended, and its start must not be stamped later than its end.
   */
  private onRunning(key: number, time: number): void {
    const pending = this.pending.get(key);
    if (!pending || !this.context) return;
    this.context.monitoring?.send({
      kind: 'try', runId: this.context.runId, time, taskId: pending.taskId, tryId: pending.tryNumber, executor: this.label, started: time,
    });
    this.context.taskRunning(pending.taskId);
  }

  private onResult(result: TaskResult): void {
    const pending = this.pending.get(result.key);
    if (!pending) return;
    this.pending.delete(result.key);
    if (this.pending.size === 0) this.lastBusy = Date.now();
    const facts = { taskId: pending.taskId, appName: pending.appName, walltimeSeconds: pending.walltimeSeconds, outputs: pending.outputs };
    let outcome: TaskOutcome;
    try {
      outcome = pending.kind === 'function'
        ? functionOutcome(result, facts, join(this.tasksDir, `${result.key}.result`), this.serializer!)
        : bashOutcome(result, facts);
    } catch (error) {
      outcome = { ok: false, error };
    }
    for (const { from, to } of pending.appends) {
      try {
        if (existsSync(from)) appendFileSync(to, readFileSync(from));
      } catch (error) {
        this.logger?.warn({ err: error, path: to }, `${this.label}: could not append a task's output to ${to}`);
      }
    }
    for (const path of pending.scratch) rmSync(path, { force: true });
    if (this.context?.monitoring) {
      this.context.monitoring.send({
        kind: 'try', runId: this.context.runId, time: Date.now(), taskId: pending.taskId, tryId: pending.tryNumber, executor: this.label,
        ...(result.started ? { started: result.started } : {}), ...(result.ended ? { ended: result.ended } : {}),
        ...(result.host ? { host: result.host } : {}), ...(result.worker ? { managerId: result.worker } : {}),
        ...(outcome.ok ? {} : { error: String((outcome.error as Error)?.message ?? outcome.error).slice(0, 500) }),
      });
      if (outcome.usage) {
        this.context.monitoring.send({
          kind: 'resource', runId: this.context.runId, time: result.ended ?? Date.now(), taskId: pending.taskId, tryId: pending.tryNumber, ...outcome.usage,
        });
      }
    }
    pending.settle(outcome);
  }

  /** A worker joined (node record once its cores are known) or left. */
  private onWorker(event: WorkerEvent): void {
    const known = this.workers.get(event.id);
    if (event.active === true) {
      this.workers.set(event.id, { address: event.address ?? '', cores: known?.cores ?? 0, reported: false });
      return;
    }
    if (event.cores !== undefined && known && !known.reported) {
      known.cores = event.cores;
      known.reported = true;
      this.sendNode(event.id, known, true);
      return;
    }
    if (event.active === false && known) {
      this.workers.delete(event.id);
      this.sendNode(event.id, known, false);
    }
  }

  private sendNode(workerId: string, worker: { address: string; cores: number }, active: boolean): void {
    const context = this.context;
    if (!context?.monitoring) return;
    context.monitoring.send({
      kind: 'node', runId: context.runId, time: Date.now(), executor: this.label, blockId: '', managerId: workerId,
      hostname: worker.address.replace(/:\d+$/, ''), workers: worker.cores, active,
    });
  }

  /** The sidecar is gone: every pending try fails with its error, and so does every later one. */
  private onLost(error: TaskVineError): void {
    if (this.shuttingDown) return;
    this.lostError = error;
    this.logger?.error({ err: error }, `${this.label}: ${error.message}`);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.settle({ ok: false, error });
  }

  /** @inheritDoc */
  async scaleOut(blocks: number): Promise<string[]> {
    if (!this.provider) return [];
    const started: string[] = [];
    for (let i = 0; i < blocks; i++) {
      const blockId = String(this.nextBlock++);
      const jobId = await this.provider.submit(this.blockCommand(blockId), 1, `parsl.${this.label}.block-${blockId}`);
      this.blocks.set(blockId, jobId);
      started.push(blockId);
      this.context?.monitoring?.send({ kind: 'block', runId: this.context.runId, time: Date.now(), executor: this.label, blockId, jobId, state: 'pending' });
      this.logger?.info({ blockId, jobId }, `${this.label}: block submitted`);
    }
    return started;
  }

  /** The command a block runs on each of its nodes. */
  blockCommand(blockId: string): string {
    const s = this.settings;
    const backend = this.found?.backend ?? 'workqueue';
    const words = [
      s.workerNode ?? process.execPath, BLOCK_MAIN,
      '--manager', `${s.address}:${this.port}`,
      '--worker-command', s.workerCommand ?? (backend === 'taskvine' ? 'vine_worker' : 'work_queue_worker'),
      '--cores', String(s.workerCores),
      ...(s.workerMemory !== undefined ? ['--memory', String(s.workerMemory)] : []),
      ...(s.workerDisk !== undefined ? ['--disk', String(s.workerDisk)] : []),
      ...(s.workerGpus !== undefined ? ['--gpus', String(s.workerGpus)] : []),
      '--idle-timeout', String(s.workerIdleTimeout),
      ...(this.passwordFile ? ['--password', this.passwordFile] : []),
      ...(this.serializer ? ['--serializer', JSON.stringify(this.serializer.descriptor)] : []),
      '--base-dir', s.workerBaseDir,
      '--block-id', blockId,
      ...(s.runnerPool ? [] : ['--no-pool']),
      ...(s.workerOptions.length > 0 ? ['--', ...s.workerOptions] : []),
    ];
    return words.map(shellQuote).join(' ');
  }

  /** @inheritDoc */
  async scaleIn(blocks: number, options: { maxIdleSeconds?: number } = {}): Promise<string[]> {
    if (!this.provider) return [];
    const idle = this.idleSeconds();
    const candidates = [...this.blocks.keys()]
      .filter((b) => {
        const seconds = idle.get(b) ?? Infinity;
        return options.maxIdleSeconds === undefined || (seconds > 0 && seconds >= options.maxIdleSeconds);
      })
      .slice(-blocks);
    if (candidates.length === 0) return [];
    await this.provider.cancel(candidates.map((b) => this.blocks.get(b)!));
    for (const b of candidates) {
      this.blocks.delete(b);
      this.scaledIn.add(b);
    }
    this.logger?.info({ blocks: candidates }, `${this.label}: blocks scaled in`);
    return candidates;
  }

  /** @inheritDoc */
  async blockStatus(): Promise<ReadonlyMap<string, JobStatus>> {
    const result = new Map<string, JobStatus>();
    const ids = [...this.blocks.entries()];
    if (this.provider && ids.length > 0) {
      const statuses = await this.provider.status(ids.map(([, job]) => job));
      ids.forEach(([block], i) => result.set(block, statuses[i]!));
    }
    for (const block of this.scaledIn) result.set(block, { state: JobState.scaledIn });
    return result;
  }

  /**
   * Seconds since the executor last had a task, for every block (the manager does not say which
   * block a worker came from, so blocks are idle together): 0 while any task is outstanding.
   */
  idleSeconds(): ReadonlyMap<string, number> {
    const seconds = this.pending.size > 0 ? 0 : (Date.now() - this.lastBusy) / 1000;
    return new Map([...this.blocks.keys()].map((b) => [b, seconds]));
  }

  /**
   * Called by core's job-status poller when blocks keep failing: every pending task, and every
   * task submitted later, fails with `error`.
   */
  setBadState(error: ParslError): void {
    this.badState = error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.settle({ ok: false, error });
    this.logger?.error({ err: error }, `${this.label}: executor is in a bad state: its blocks keep failing`);
  }

  /** @inheritDoc */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.settle({ ok: false, error: new TaskCancelled(p.taskId, 'the executor was shut down') });
    this.outbox = [];
    await this.factory?.stop(Math.max(1000, timeoutMs / 4));
    await this.sidecar?.stop(Math.max(1000, timeoutMs / 2));
    for (const [workerId, worker] of this.workers) if (worker.reported) this.sendNode(workerId, worker, false);
    this.workers.clear();
    const jobIds = [...this.blocks.values()];
    this.blocks.clear();
    if (this.provider && jobIds.length > 0) {
      await this.provider.cancel(jobIds).catch((error: unknown) => this.logger?.error({ err: error }, `${this.label}: cancelling blocks failed`));
    }
    await this.provider?.cancelAll?.().catch((error: unknown) => this.logger?.error({ err: error }, `${this.label}: cancelling every block failed`));
    rmSync(this.tasksDir, { recursive: true, force: true });
    this.logger?.info(`${this.label}: executor stopped`);
  }
}

/** The path of a redirect. */
function streamTarget(redirect: Redirect): string {
  return typeof redirect === 'string' ? redirect : redirect[0];
}
