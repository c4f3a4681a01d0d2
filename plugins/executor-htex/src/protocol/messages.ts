import type { MonitoringRecord, PluginDescriptor } from '@parsl-ts/core';
import type { TaskStarted } from '../monitoring/PoolMonitor.js';

/**
 * A task as the interchange and managers see it: ids, scheduling fields and the serialized task
 * (opaque bytes made by the executor's serializer; only workers decode them).
 */
export type TaskEnvelope = [id: number, tryNumber: number, priority: number, walltimeSeconds: number, payload: Uint8Array];

/** How a task ended, as reported by a manager. */
export const ResultKind = {
  /** `payload` is the serialized `[ok, valueOrError]` from the worker. */
  done: 0,
  /** The worker process died; `payload` holds the reason as UTF-8 text. */
  workerLost: 1,
  /** The task exceeded its walltime and its worker was killed. */
  timeout: 2,
  /** The manager was lost (added by the interchange); `payload` holds the manager id. */
  managerLost: 3,
} as const;

/** One of the {@link ResultKind} values. */
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

/** A finished task: ids, how it ended, and its payload. */
export type ResultEnvelope = [id: number, tryNumber: number, kind: ResultKind, payload: Uint8Array];

/** Messages between the interchange and a manager, over WebSocket (msgpackr frames). */
export type InterchangeToManager =
  | { t: 'hello'; protocol: number; version: string; nonce: string }
  | { t: 'welcome'; serializer: PluginDescriptor; heartbeatPeriod: number; heartbeatThreshold: number }
  | { t: 'refused'; code: string; message: string }
  | { t: 'tasks'; tasks: TaskEnvelope[] }
  | { t: 'hb' }
  | { t: 'drain' }
  | { t: 'stop' };

/** Messages from a manager to the interchange. */
export type ManagerToInterchange =
  | { t: 'auth'; protocol: number; version: string; managerId: string; blockId: string; hostname: string; workers: number; prefetch: number; mac: string }
  // `m`: monitoring records (try start/end reports, resource samples), when monitoring is on.
  | { t: 'results'; results: ResultEnvelope[]; m?: MonitoringRecord[] }
  | { t: 'fatal'; message: string }
  | { t: 'draining' }
  | { t: 'hb'; m?: MonitoringRecord[] };

/** Settings the executor gives the interchange (over its link, at start). */
export interface InterchangeSettings {
  readonly address: string;
  readonly port: number;
  readonly secret: string;
  readonly serializer: PluginDescriptor;
  readonly heartbeatPeriod: number;
  readonly heartbeatThreshold: number;
  readonly maxMessageBytes: number;
  readonly version: string;
  readonly protocol: number;
  /** Serve wss:// with this certificate and key (PEM files), when TLS is on. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** Executor → interchange messages (FramePipe on the interchange's descriptor 3). */
export type ExecutorToInterchange =
  | { t: 'start'; settings: InterchangeSettings }
  | { t: 'submit'; tasks: TaskEnvelope[] }
  | { t: 'drain'; blockIds: string[] }
  /** Diagnostics: collect garbage and report the heap in use (benchmarks of memory per task). */
  | { t: 'heap' }
  | { t: 'stop' };

/** Per-manager figures the interchange reports to the executor. */
export interface ManagerStats {
  readonly managerId: string;
  readonly blockId: string;
  readonly hostname: string;
  readonly workers: number;
  readonly outstanding: number;
  /** Milliseconds since the manager last had no task, or 0 while busy. */
  readonly idleMs: number;
  readonly draining: boolean;
}

/** Interchange → executor messages (FramePipe on the interchange's descriptor 3). */
export type InterchangeToExecutor =
  | { t: 'ready'; port: number }
  | { t: 'results'; results: ResultEnvelope[] }
  | { t: 'stats'; managers: ManagerStats[]; queued: number }
  | { t: 'event'; level: 'info' | 'warn'; message: string; detail?: Record<string, unknown> }
  | { t: 'fatal'; managerId: string; blockId: string; message: string }
  // Monitoring: records from a manager (sent before the results that came with them), and
  // managers connecting (active) and going away.
  | { t: 'monitoring'; records: MonitoringRecord[] }
  | { t: 'manager'; managerId: string; blockId: string; hostname: string; workers: number; active: boolean }
  /** `arrayBuffers`: bytes of ArrayBuffer backing stores (task payloads), outside the heap. */
  | { t: 'heap'; heapUsed: number; arrayBuffers: number; queued: number };

/** A task as a manager hands it to a worker process: id, try, serialized task. */
export type WorkerTask = [id: number, tryNumber: number, payload: Uint8Array];
/** A result as a worker process returns it: id, try, serialized `[ok, valueOrError]`. */
export type WorkerResult = [id: number, tryNumber: number, payload: Uint8Array];

/** Messages from a manager to one of its worker processes (FramePipe on the worker's descriptor 3). */
export type ManagerToWorker =
  // First message: the run's serializer (workers start before the interchange has said which).
  | { t: 'init'; serializer: PluginDescriptor }
  | { t: 'tasks'; tasks: WorkerTask[] }
  | { t: 'stop' };

/** Messages from a worker process to its manager: ready, a task started (monitoring on), results. */
export type WorkerToManager = { t: 'ready' } | TaskStarted | { t: 'results'; results: WorkerResult[]; m?: MonitoringRecord[] };
