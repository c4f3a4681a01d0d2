import { ErrorCodes, PriorityFifo } from '@parsl-ts/core/wire';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkAnswer, newNonce } from '../protocol/auth.js';
import { decodeFrame, encodeFrame } from '../protocol/codec.js';
import {
  ResultKind, type InterchangeSettings, type InterchangeToExecutor, type InterchangeToManager, type ManagerStats,
  type ManagerToInterchange, type ResultEnvelope, type TaskEnvelope,
} from '../protocol/messages.js';

interface ManagerState {
  readonly socket: WebSocket;
  readonly managerId: string;
  readonly blockId: string;
  readonly hostname: string;
  readonly workers: number;
  readonly prefetch: number;
  /** Tasks sent to it and not finished, by `${id}:${try}`. */
  readonly outstanding: Map<string, TaskEnvelope>;
  lastSeen: number;
  idleSince: number;
  draining: boolean;
}

const encoder = new TextEncoder();

/**
 * The interchange: accepts worker managers over WebSocket (after a challenge proving the run's
 * secret), queues the executor's tasks by priority, sends each manager as many as it has room for,
 * and passes results back. Peers that send garbage, oversized frames, a wrong secret or another
 * protocol version are dropped; nothing a peer sends can crash it.
 */
export class Interchange {
  private readonly queue = new PriorityFifo<TaskEnvelope>((task) => task[2]);
  private readonly managers = new Map<WebSocket, ManagerState>();
  private readonly server: WebSocketServer;
  private readonly timers: NodeJS.Timeout[] = [];
  private pendingResults: ResultEnvelope[] = [];
  private flushScheduled = false;
  private dispatchScheduled = false;
  private stopped = false;
  private readonly https: HttpsServer | undefined;

  constructor(private readonly settings: InterchangeSettings, private readonly toExecutor: (message: InterchangeToExecutor) => void) {
    if (settings.tls) {
      // wss:// with the run's self-signed certificate; managers pin its fingerprint.
      this.https = createHttpsServer({ cert: readFileSync(settings.tls.certFile), key: readFileSync(settings.tls.keyFile) });
      this.server = new WebSocketServer({ server: this.https, maxPayload: settings.maxMessageBytes, perMessageDeflate: false });
      this.https.on('tlsClientError', (error) => this.event('warn', `TLS handshake failed: ${error.message}`));
      this.https.listen(settings.port, settings.address);
    } else {
      this.server = new WebSocketServer({
        host: settings.address, port: settings.port, maxPayload: settings.maxMessageBytes, perMessageDeflate: false,
      });
    }
    this.server.on('connection', (socket) => this.onConnection(socket));
    this.server.on('error', (error) => this.event('warn', `server error: ${error.message}`));
  }

  /** Tasks waiting in the queue for a manager. */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves with the bound port once listening. */
  listening(): Promise<number> {
    const emitter = this.https ?? this.server;
    return new Promise((resolve, reject) => {
      emitter.once('listening', () => resolve(((this.https ?? this.server).address() as AddressInfo).port));
      emitter.once('error', reject);
    });
  }

  /** Start heartbeats and stats. */
  start(): void {
    const period = this.settings.heartbeatPeriod * 1000;
    this.timers.push(setInterval(() => this.heartbeat(), period));
    this.timers.push(setInterval(() => this.sendStats(), Math.min(period, 1000)));
  }

  submit(tasks: TaskEnvelope[]): void {
    for (const task of tasks) this.queue.push(task);
    this.scheduleDispatch();
  }

  drain(blockIds: readonly string[]): void {
    const wanted = new Set(blockIds);
    for (const manager of this.managers.values()) {
      if (wanted.has(manager.blockId) && !manager.draining) {
        manager.draining = true;
        this.send(manager.socket, { t: 'drain' });
      }
    }
  }

  /** Tell every manager to stop, close the server. Bounded. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const manager of this.managers.values()) this.send(manager.socket, { t: 'stop' });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.server.close(() => { clearTimeout(timer); resolve(); });
      for (const client of this.server.clients) client.terminate();
    });
    if (this.https) await new Promise<void>((resolve) => this.https!.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    const nonce = newNonce();
    let state: ManagerState | undefined;
    const authTimer = setTimeout(() => {
      this.event('warn', 'a connection did not authenticate in time; closed');
      socket.terminate();
    }, Math.max(1000, this.settings.heartbeatThreshold * 1000));
    socket.on('error', (error) => this.event('warn', `connection error: ${error.message}`));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      let message: ManagerToInterchange;
      try {
        if (!isBinary) throw new Error('text frame');
        message = decodeFrame(data) as ManagerToInterchange;
        if (typeof message !== 'object' || message === null || typeof message.t !== 'string') throw new Error('not a message');
      } catch (error) {
        this.event('warn', `undecodable frame from ${state?.managerId ?? 'an unauthenticated peer'}; connection closed`, { error: String(error) });
        socket.close(1003, 'undecodable frame');
        return;
      }
      if (!state) {
        clearTimeout(authTimer);
        state = this.authenticate(socket, nonce, message);
        return;
      }
      state.lastSeen = Date.now();
      // Monitoring records go first, so a try's start reaches the executor before its result.
      if ((message.t === 'results' || message.t === 'hb') && Array.isArray(message.m)) this.toExecutor({ t: 'monitoring', records: message.m });
      if (message.t === 'results') this.onResults(state, message.results);
      else if (message.t === 'draining') state.draining = true;
      else if (message.t === 'fatal') this.toExecutor({ t: 'fatal', managerId: state.managerId, blockId: state.blockId, message: String(message.message) });
      else if (message.t !== 'hb') this.event('warn', `unexpected message "${String((message as { t: unknown }).t)}" from manager ${state.managerId}`);
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      if (state) this.loseManager(state, 'its connection closed');
    });
    this.send(socket, { t: 'hello', protocol: this.settings.protocol, version: this.settings.version, nonce });
  }

  private authenticate(socket: WebSocket, nonce: string, message: ManagerToInterchange): ManagerState | undefined {
    if (message.t !== 'auth') {
      this.refuse(socket, ErrorCodes.Unauthenticated, 'the first message must authenticate');
      return undefined;
    }
    if (message.protocol !== this.settings.protocol) {
      this.refuse(socket, ErrorCodes.ProtocolMismatch,
        `worker manager ${String(message.version)} speaks wire protocol ${String(message.protocol)}, but this interchange (${this.settings.version}) speaks ${this.settings.protocol}: install the same parsl-ts version on the workers`);
      return undefined;
    }
    if (typeof message.managerId !== 'string' || !checkAnswer(this.settings.secret, nonce, message.managerId, message.mac)) {
      this.refuse(socket, ErrorCodes.Unauthenticated, 'wrong secret');
      return undefined;
    }
    const workers = Number.isInteger(message.workers) && message.workers > 0 ? message.workers : 1;
    const prefetch = Number.isInteger(message.prefetch) && message.prefetch >= 0 ? message.prefetch : 0;
    const state: ManagerState = {
      socket, managerId: message.managerId, blockId: String(message.blockId), hostname: String(message.hostname),
      workers, prefetch, outstanding: new Map(), lastSeen: Date.now(), idleSince: Date.now(), draining: false,
    };
    this.managers.set(socket, state);
    this.send(socket, {
      t: 'welcome', serializer: this.settings.serializer,
      heartbeatPeriod: this.settings.heartbeatPeriod, heartbeatThreshold: this.settings.heartbeatThreshold,
    });
    this.event('info', `manager ${state.managerId} of block ${state.blockId} on ${state.hostname} connected with ${workers} workers`);
    this.toExecutor({ t: 'manager', managerId: state.managerId, blockId: state.blockId, hostname: state.hostname, workers, active: true });
    this.scheduleDispatch();
    return state;
  }

  private refuse(socket: WebSocket, code: string, message: string): void {
    this.event('warn', `connection refused: [${code}] ${message}`);
    this.send(socket, { t: 'refused', code, message });
    socket.close(1008, code);
  }

  private onResults(manager: ManagerState, results: unknown): void {
    if (!Array.isArray(results)) {
      this.event('warn', `malformed results from manager ${manager.managerId}`);
      return;
    }
    for (const result of results as ResultEnvelope[]) {
      if (!Array.isArray(result) || !manager.outstanding.delete(`${result[0]}:${result[1]}`)) continue;
      this.pendingResults.push(result);
    }
    if (manager.outstanding.size === 0) manager.idleSince = Date.now();
    this.scheduleFlush();
    this.scheduleDispatch();
  }

  private loseManager(manager: ManagerState, reason: string): void {
    if (!this.managers.delete(manager.socket)) return;
    this.toExecutor({ t: 'manager', managerId: manager.managerId, blockId: manager.blockId, hostname: manager.hostname, workers: manager.workers, active: false });
    if (manager.outstanding.size > 0) {
      const payload = encoder.encode(manager.managerId);
      for (const [id, tryNumber] of manager.outstanding.values()) this.pendingResults.push([id, tryNumber, ResultKind.managerLost, payload]);
      this.scheduleFlush();
    }
    if (!this.stopped) {
      this.event('warn', `manager ${manager.managerId} of block ${manager.blockId} lost: ${reason}; ${manager.outstanding.size} task(s) failed`);
    }
    manager.outstanding.clear();
    manager.socket.terminate();
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.stopped || this.queue.length === 0) return;
    for (const manager of this.managers.values()) {
      if (manager.draining) continue;
      const room = manager.workers + manager.prefetch - manager.outstanding.size;
      if (room <= 0) continue;
      const batch: TaskEnvelope[] = [];
      for (let i = 0; i < room; i++) {
        const task = this.queue.shift();
        if (!task) break;
        batch.push(task);
        manager.outstanding.set(`${task[0]}:${task[1]}`, task);
      }
      if (batch.length === 0) break;
      manager.idleSince = 0;
      this.send(manager.socket, { t: 'tasks', tasks: batch });
      if (this.queue.length === 0) break;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.pendingResults.length === 0) return;
      const results = this.pendingResults;
      this.pendingResults = [];
      this.toExecutor({ t: 'results', results });
    });
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const manager of [...this.managers.values()]) {
      if (now - manager.lastSeen > this.settings.heartbeatThreshold * 1000) {
        this.loseManager(manager, `no heartbeat for ${this.settings.heartbeatThreshold} s`);
      } else {
        this.send(manager.socket, { t: 'hb' });
      }
    }
  }

  private sendStats(): void {
    const now = Date.now();
    const managers: ManagerStats[] = [...this.managers.values()].map((m) => ({
      managerId: m.managerId, blockId: m.blockId, hostname: m.hostname, workers: m.workers, outstanding: m.outstanding.size,
      idleMs: m.idleSince === 0 ? 0 : now - m.idleSince, draining: m.draining,
    }));
    this.toExecutor({ t: 'stats', managers, queued: this.queue.length });
  }

  private send(socket: WebSocket, message: InterchangeToManager): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encodeFrame(message));
  }

  private event(level: 'info' | 'warn', message: string, detail?: Record<string, unknown>): void {
    this.toExecutor({ t: 'event', level, message, ...(detail ? { detail } : {}) });
  }
}
