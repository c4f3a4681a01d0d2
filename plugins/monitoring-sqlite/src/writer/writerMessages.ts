import type { MonitoringRecord } from '@parsl-ts/core';
import type { RecordBatch } from '../radios/RecordBatch.js';

/** What the hub gives its writer thread. */
export interface WriterSettings {
  /** Absolute path of the database. */
  readonly database: string;
  /** Wait for another process's write lock, in ms. */
  readonly busyTimeoutMs: number;
  /** Listen for the UDP radio here. */
  readonly udp?: { readonly address: string; readonly port: number };
  /** Ingest the filesystem radio's spool folder every `pollMs`. */
  readonly spool?: { readonly dir: string; readonly pollMs: number };
  /** Sample this process (the workflow's) every `intervalMs`, as resource records of no task. */
  readonly sampleProcess?: { readonly runId: string; readonly intervalMs: number };
}

/** Hub → writer thread. */
export type ToWriter =
  | { t: 'records'; records: MonitoringRecord[] }
  | { t: 'batch'; batch: RecordBatch }
  | { t: 'flush'; id: number }
  | { t: 'stop' };

/** A MonitoringError as plain data. */
export interface PlainMonitoringError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** Writer thread → hub. */
export type FromWriter =
  | { t: 'ready'; udpPort?: number }
  | { t: 'flushed'; id: number; written: number }
  | { t: 'stopped'; written: number; rejected: number }
  | { t: 'warning'; message: string }
  | { t: 'error'; fatal: boolean; error: PlainMonitoringError };
