import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { challengeAnswer } from '../protocol/auth.js';
import { decodeFrame, encodeFrame } from '../protocol/codec.js';
import { FramePipe } from '../protocol/FramePipe.js';
import {
  ResultKind, type InterchangeToManager, type ManagerToWorker, type WorkerToManager, type ManagerToInterchange, type ResultEnvelope, type TaskEnvelope,
} from '../protocol/messages.js';
import type { PluginDescriptor } from '@parsl-ts/core';
import type { PoolMonitor } from '../monitoring/PoolMonitor.js';
import { spawnWorker, workerSpawnSettings, type WorkerSpawnSettings } from './spawnWorker.js';

/** Options of a worker pool (the `parsl-ts-worker-pool` command line). */
export interface WorkerPoolOptions {
  readonly url: string;
  readonly secret: string;
  readonly blockId: string;
  readonly managerId: string;
  readonly workers: number;
  readonly prefetch: number;
  readonly protocol: number;
  readonly version: string;
  /** Accelerators to pin workers to, one per worker (CUDA_VISIBLE_DEVICES and friends). */
  readonly accelerators: readonly string[];
  /** Stop taking tasks this many seconds after start (before the block's walltime); 0 = never. */
  readonly drainAfterSeconds: number;
  /** SHA-256 fingerprint of the interchange's certificate (wss://), as `AA:BB:...`; required for wss. */
  readonly fingerprint: string | undefined;
  /** Folder to resolve plugin packages from (the workflow's working directory on the submit side). */
  readonly baseDir: string;
  /** Bound on a frame's size, in bytes. */
  readonly maxMessageBytes: number;
  /** Where the worker's log lines go. */
  readonly log: (line: string) => void;
  /** Report tries to monitoring and sample resources every this many seconds (0: no samples); absent: monitoring off. */
  readonly monitoringInterval?: number;
  /**
   * Worker processes started already (by `spawnWorker`, rank = index) before the pool's modules
   * were loaded; the pool starts the ranks missing here itself.
   */
  readonly startedWorkers?: readonly ChildProcess[];
}

interface WorkerSlot {
  readonly rank: number;
  process: ChildProcess;
  /** The link to the worker (descriptor 3 on its side). */
  readonly link: FramePipe<WorkerToManager, ManagerToWorker>;
  ready: boolean;
  /** Tasks sent to this worker, in the order it runs them; the first is the running one. */
  inFlight: TaskEnvelope[];
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
}

/** Most tasks sent to one worker at once (tasks with a walltime go alone, so it can be enforced). */
const WORKER_BATCH = 64;
const BASH_WALLTIME_GRACE_MS = 2000;
/** Workers in a row that die before they are ready, before the manager gives up. */
const MAX_BOOT_FAILURES = 3;
const encoder = new TextEncoder();

/**
 * A worker manager: one per node. Connects to the interchange, proves the run's secret, runs
 * `workers` worker processes and feeds them tasks one at a time; a worker that dies fails its task
 * with WorkerLost and is replaced; a task over its walltime has its worker killed. Exits when the
 * interchange says stop, goes away, or stops sending heartbeats.
 */
export class WorkerPool {
  private socket: WebSocket | undefined;
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: TaskEnvelope[] = [];
  private results: ResultEnvelope[] = [];
  private flushScheduled = false;
  private stopping = false;
  private bootFailures = 0;
  private draining = false;
  private fingerprintMismatch = false;
  private lastHeard = Date.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** The run's serializer, from the interchange's welcome; workers get it in their `init`. */
  private serializer: PluginDescriptor | undefined;
  /** Why the pool gave up before the handshake was done (reported once it is). */
  private fatalReason: string | undefined;
  private exitResolve!: (code: number) => void;
  /** Resolves with the exit code once the pool has stopped. */
  readonly exited = new Promise<number>((resolve) => { this.exitResolve = resolve; });

  /** Monitoring (when the executor's config has it): try reports and resource samples. */
  private monitor: PoolMonitor | undefined;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Connect to the interchange and start the workers; resolves once both are under way. */
  async start(): Promise<void> {
    if (this.options.monitoringInterval !== undefined) {
      // Loaded only when monitoring is on: its process sampler is not needed otherwise, and the
      // pool's start-up lies on the path to a run's first result.
      const { PoolMonitor } = await import('../monitoring/PoolMonitor.js');
      if (this.stopping) {
        for (const child of this.options.startedWorkers ?? []) child.kill('SIGTERM');
        return;
      }
      this.monitor = new PoolMonitor(this.options.blockId, this.options.managerId, this.options.monitoringInterval, () => this.scheduleFlush());
    }
    const tls = this.options.url.startsWith('wss:');
    // The certificate is self-signed per run: trust comes from its pinned fingerprint, checked
    // before anything is sent, not from a certificate authority.
    const socket = new WebSocket(this.options.url, {
      maxPayload: this.options.maxMessageBytes, perMessageDeflate: false, handshakeTimeout: 10_000,
      ...(tls ? { rejectUnauthorized: false } : {}),
    });
    this.socket = socket;
    if (tls) {
      socket.on('upgrade', (response) => {
        const presented = (response.socket as TLSSocket).getPeerCertificate?.()?.fingerprint256;
        if (!this.options.fingerprint || presented !== this.options.fingerprint) {
          this.options.log(`the interchange's certificate fingerprint ${presented ?? '(none)'} is not the pinned ${this.options.fingerprint ?? '(none given)'}; refusing to talk to it`);
          this.fingerprintMismatch = true;
          socket.terminate();
        }
      });
    }
    socket.on('message', (data: Buffer) => {
      this.lastHeard = Date.now();
      let message: InterchangeToManager;
      try {
        message = decodeFrame(data) as InterchangeToManager;
      } catch {
        this.options.log('undecodable frame from the interchange; stopping');
        void this.stop(1);
        return;
      }
      this.onMessage(message);
    });
    socket.on('error', (error) => this.options.log(`connection error: ${error.message}`));
    socket.on('close', () => void this.stop(this.fingerprintMismatch ? 5 : this.stopping ? 0 : 2));
    // Start the workers now (if the command has not already): a Node.js process takes a few
    // hundred milliseconds to load, which overlaps the connection and handshake instead of
    // following them (load to first result).
    for (let rank = 0; rank < this.options.workers; rank++) {
      this.slots.push(this.adopt(rank, this.options.startedWorkers?.[rank] ?? spawnWorker(rank, this.spawnSettings())));
    }
  }

  /** How this pool's workers are started (see spawnWorker). */
  private spawnSettings(): WorkerSpawnSettings {
    return workerSpawnSettings(this.options);
  }

  private onMessage(message: InterchangeToManager): void {
    switch (message.t) {
      case 'hello': {
        if (this.fingerprintMismatch) return;
        const mac = challengeAnswer(this.options.secret, message.nonce, this.options.managerId);
        this.send({
          t: 'auth', protocol: this.options.protocol, version: this.options.version, managerId: this.options.managerId,
          blockId: this.options.blockId, hostname: hostname(), workers: this.options.workers, prefetch: this.options.prefetch, mac,
        });
        break;
      }
      case 'welcome':
        this.serializer = message.serializer;
        if (this.fatalReason !== undefined) {
          this.giveUp(this.fatalReason);
          return;
        }
        for (const slot of this.slots) slot.link.send({ t: 'init', serializer: message.serializer });
        this.heartbeatTimer = setInterval(() => {
          if (Date.now() - this.lastHeard > message.heartbeatThreshold * 1000) {
            this.options.log(`no word from the interchange for ${message.heartbeatThreshold} s; stopping`);
            void this.stop(2);
            return;
          }
          this.send({ t: 'hb' });
        }, message.heartbeatPeriod * 1000);
        this.options.log(`connected as ${this.options.managerId} with ${this.options.workers} workers`);
        if (this.options.drainAfterSeconds > 0) {
          // Stop taking work before the scheduler kills the block, so no task dies with it.
          const drain = setTimeout(() => this.drain(), this.options.drainAfterSeconds * 1000);
          drain.unref();
        }
        break;
      case 'refused':
        this.options.log(`refused by the interchange: [${message.code}] ${message.message}`);
        void this.stop(3);
        break;
      case 'tasks':
        for (const task of message.tasks) this.queue.push(task);
        this.assign();
        break;
      case 'drain':
        this.drain();
        break;
      case 'stop':
        void this.stop(0);
        break;
      case 'hb':
        break;
    }
  }

  /** Take worker process `child` of `rank` into the pool: its link, its stderr, its exit. */
  private adopt(rank: number, child: ChildProcess): WorkerSlot {
    const link = new FramePipe<WorkerToManager, ManagerToWorker>(child.stdio[3] as Duplex, {
      onMessage: (message) => onMessage(message),
      // The worker's exit is what counts (the 'exit' handler below); a garbled link means it is broken.
      onClose: () => undefined,
      onGarbage: () => {
        this.options.log(`undecodable frame from worker rank ${rank}; killing it`);
        child.kill('SIGKILL');
      },
    });
    const slot: WorkerSlot = { rank, process: child, link, ready: false, inFlight: [], timer: undefined, timedOut: false };
    // A replacement worker: the serializer is known already.
    if (this.serializer) link.send({ t: 'init', serializer: this.serializer });
    let stderrTail = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-2048);
    });
    const onMessage = (message: WorkerToManager): void => {
      if (message.t === 'started') {
        this.monitor?.started(child.pid!, message);
        return;
      }
      if (message.t === 'ready') {
        slot.ready = true;
        this.bootFailures = 0;
        this.assign();
        return;
      }
      for (const [id, tryNumber, payload] of message.results) {
        const head = slot.inFlight[0];
        if (!head || head[0] !== id || head[1] !== tryNumber) continue;
        slot.inFlight.shift();
        this.complete(slot, [id, tryNumber, ResultKind.done, payload]);
      }
      if (message.m) this.monitor?.ended(child.pid!, message.m);
      this.assign();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.monitor?.workerExited(child.pid!);
      const [running, ...queued] = slot.inFlight;
      slot.inFlight = [];
      if (slot.timer) clearTimeout(slot.timer);
      if (running) {
        const kind = slot.timedOut ? ResultKind.timeout : ResultKind.workerLost;
        const reason = slot.timedOut ? String(running[3]) : `worker process ${child.pid} (rank ${rank}) exited with ${signal ?? `code ${code}`}`;
        this.complete(slot, [running[0], running[1], kind, encoder.encode(reason)]);
      }
      // Tasks queued behind the lost one never started: run them on the other workers.
      if (queued.length > 0) this.queue.unshift(...queued);
      if (!slot.ready && !this.stopping && ++this.bootFailures >= MAX_BOOT_FAILURES) {
        // Workers that cannot even start will not start next time either: report it and stop,
        // so the tasks fail with the reason instead of waiting forever.
        const reason = `worker processes fail to start (${this.bootFailures} in a row); the last one said: ${stderrTail.trim() || `exit ${signal ?? code}`}`;
        this.options.log(reason);
        this.giveUp(reason);
        return;
      }
      if (!this.stopping) {
        this.options.log(`worker rank ${rank} exited (${signal ?? code}); starting a replacement`);
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots[index] = this.adopt(rank, spawnWorker(rank, this.spawnSettings()));
      }
    };
    // A worker started before the pool existed may have ended already, its 'exit' emitted to no one.
    if (child.exitCode !== null || child.signalCode !== null) queueMicrotask(() => onExit(child.exitCode, child.signalCode));
    else child.once('exit', onExit);
    return slot;
  }

  private assign(): void {
    const idle = this.slots.filter((slot) => slot.ready && slot.inFlight.length === 0);
    if (idle.length === 0 || this.queue.length === 0) return;
    const share = Math.min(WORKER_BATCH, Math.max(1, Math.ceil(this.queue.length / idle.length)));
    for (const slot of idle) {
      if (this.queue.length === 0) return;
      const batch: TaskEnvelope[] = [];
      while (batch.length < share && this.queue.length > 0) {
        const next = this.queue[0]!;
        // A task with a walltime travels alone, so the worker can be killed when it overruns.
        if (next[3] > 0 && batch.length > 0) break;
        batch.push(this.queue.shift()!);
        if (next[3] > 0) break;
      }
      slot.inFlight = batch;
      slot.timedOut = false;
      const walltime = batch[0]![3];
      if (walltime > 0) {
        // Bash commands are killed by the worker itself at the walltime; this is the backstop.
        slot.timer = setTimeout(() => {
          slot.timedOut = true;
          slot.process.kill('SIGKILL');
        }, walltime * 1000 + BASH_WALLTIME_GRACE_MS);
      }
      slot.link.send({ t: 'tasks', tasks: batch.map((task) => [task[0], task[1], task[4]]) });
    }
  }

  private complete(slot: WorkerSlot, result: ResultEnvelope): void {
    if (slot.inFlight.length === 0 && slot.timer) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    this.results.push(result);
    this.scheduleFlush();
  }

  /** Send the results (and monitoring records) gathered in this turn of the event loop. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const results = this.results;
      this.results = [];
      const m = this.monitor?.take();
      if (results.length > 0) this.send({ t: 'results', results, ...(m ? { m } : {}) });
      else if (m) this.send({ t: 'hb', m });
      this.exitIfDrained();
    });
  }

  /**
   * Report a reason to stop to the interchange (it fails the block's tasks with it) and stop.
   * Before the handshake is done there is nobody to tell yet: the report waits for the welcome
   * (or the connection's end).
   */
  private giveUp(reason: string): void {
    if (this.serializer === undefined && this.socket?.readyState !== WebSocket.CLOSED) {
      this.fatalReason ??= reason;
      return;
    }
    this.send({ t: 'fatal', message: reason });
    void this.stop(4);
  }

  /** Take no more tasks; exit once the ones held are done. */
  private drain(): void {
    if (this.draining || this.stopping) return;
    this.draining = true;
    this.options.log('draining: finishing the tasks held, taking no more');
    this.send({ t: 'draining' });
    this.exitIfDrained();
  }

  private exitIfDrained(): void {
    if (this.draining && this.queue.length === 0 && this.slots.every((slot) => slot.inFlight.length === 0)) {
      this.options.log('drained; exiting');
      // Let the last results leave before the connection closes.
      setImmediate(() => void this.stop(0));
    }
  }

  private send(message: ManagerToInterchange): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeFrame(message));
  }

  /** Stop every worker (bounded), close the connection, resolve `exited`. */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.monitor?.stop();
    await Promise.all(this.slots.map((slot) => new Promise<void>((resolve) => {
      if (slot.timer) clearTimeout(slot.timer);
      if (slot.process.exitCode !== null || slot.process.signalCode !== null) {
        resolve();
        return;
      }
      const force = setTimeout(() => slot.process.kill('SIGKILL'), 2000);
      slot.process.once('exit', () => { clearTimeout(force); resolve(); });
      if (!slot.link.send({ t: 'stop' })) slot.process.kill('SIGTERM');
    })));
    this.socket?.terminate();
    this.exitResolve(code);
  }
}
