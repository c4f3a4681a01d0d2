import type { PluginManifest } from '../config/PluginManifest.js';
import type { TaskState } from '../dfk/TaskState.js';

/**
 * A monitoring record. Every record has a `kind`, the `runId` of its workflow and a timestamp in
 * milliseconds since the epoch.
 *
 * @since 0.1.0
 */
export type MonitoringRecord =
  | { kind: 'workflow_start'; runId: string; time: number; name: string; user: string; host: string; runDir: string; coreVersion: string; config: Record<string, unknown> }
  | { kind: 'workflow_end'; runId: string; time: number; tasksCompleted: number; tasksFailed: number }
  | { kind: 'task'; runId: string; time: number; taskId: number; appName: string; executor: string; dependencies: number[]; cache: boolean; fnHash: string; appKind?: 'function' | 'bash' | 'join'; stdout?: string; stderr?: string }
  // `seq` numbers a run's transitions in the order the DataFlowKernel made them (from 0); `fnHash` comes with `launched`.
  | { kind: 'task_state'; runId: string; time: number; taskId: number; tryId: number; state: TaskState; executor: string; error?: string; seq?: number; fnHash?: string }
  // Sent from where a try runs (a worker): when it started and ended there, and where.
  | { kind: 'try'; runId: string; time: number; taskId: number; tryId: number; executor: string; launched?: number; started?: number; ended?: number; returned?: number; host?: string; blockId?: string; managerId?: string; error?: string }
  | { kind: 'block'; runId: string; time: number; executor: string; blockId: string; jobId?: string; state: string; message?: string }
  | { kind: 'node'; runId: string; time: number; executor: string; blockId: string; managerId: string; hostname: string; workers: number; active: boolean }
  | { kind: 'resource'; runId: string; time: number; taskId: number; tryId: number; pid: number; cpuUserSeconds: number; cpuSystemSeconds: number; rssBytes: number; readBytes: number; writeBytes: number };

/**
 * Carries monitoring records from where they happen (the DataFlowKernel, a worker) towards a sink.
 * `send` must never block or throw on the hot path: buffer and batch. Implementations: in-process,
 * UDP, filesystem, through the HTEX channel (`@parsl-ts/monitoring-sqlite`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * radio.send({ kind: 'task_state', runId, time: Date.now(), taskId: 1, tryId: 0, state: 'running', executor: 'local' });
 * ```
 */
export interface MonitoringRadio {
  /** Queue a record. */
  send(record: MonitoringRecord): void;
  /** Deliver everything queued, then release resources. Bounded. */
  close(): Promise<void>;
  /**
   * Seconds between resource samples of running tasks, which executors with workers take and
   * send as `resource` records; absent or 0: no resource monitoring.
   */
  readonly resourceMonitoringInterval?: number;
}

/**
 * Stores monitoring records (a SQLite database, a file). Receives batches from radios.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await sink.write([{ kind: 'workflow_end', runId, time: Date.now(), tasksCompleted: 3, tasksFailed: 0 }]);
 * ```
 */
export interface MonitoringSink {
  /** Store a batch of records, atomically. */
  write(records: readonly MonitoringRecord[]): Promise<void>;
  /** Flush and close. */
  close(): Promise<void>;
}

/**
 * Monitoring as configured: gives the DataFlowKernel a radio and owns the sink/hub lifecycle.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ executors: [...], monitoring: new MonitoringHub({ database: 'monitoring.db' }) });
 * ```
 */
export interface Monitoring {
  /** Start the hub (database writer, listeners); returns the radio the DataFlowKernel uses. */
  start(context: { runId: string; runDir: string }): Promise<MonitoringRadio>;
  /** Stop the hub after every record has been written. Bounded. */
  stop(): Promise<void>;
  /** The manifest of the plugin that made this hub; `loadConfig` checks its core range. @since 0.2.0 */
  readonly manifest?: PluginManifest;
}
