import { Worker } from 'node:worker_threads';
import type { MonitoringRecord } from '@parsl-ts/core';
import { MonitoringError, MonitoringErrorCodes, type MonitoringErrorCode } from '../MonitoringError.js';
import type { RecordBatch } from '../radios/RecordBatch.js';
import type { FromWriter, PlainMonitoringError, ToWriter, WriterSettings } from './writerMessages.js';

const WRITER_MAIN = new URL('./writerMain.js', import.meta.url);

/** What the writer thread reported when it stopped. */
export interface WriterTotals {
  /** Records written to the database. */
  readonly written: number;
  /** Datagrams and spool lines that were not valid records. */
  readonly rejected: number;
}

/**
 * The hub's handle on its writer thread: starts it, posts records to it, waits for it to flush
 * and to stop, each within a bound. The thread does not keep the process alive while idle.
 *
 * @internal
 */
export class WriterThread {
  /** Errors the writer reported (it keeps going after a failed batch). */
  readonly errors: PlainMonitoringError[] = [];
  /** The UDP port the writer listens on, when it does. */
  udpPort: number | undefined;
  private readonly waiters = new Map<number, (written: number) => void>();
  private nextFlush = 0;
  private stopped: ((totals: WriterTotals) => void) | undefined;
  private exited = false;

  private constructor(private readonly worker: Worker, private readonly warn: (message: string) => void) {}

  /** Start the thread; resolves once the database is open and migrated and the listeners bound. */
  static start(settings: WriterSettings, timeoutMs: number, warn: (message: string) => void): Promise<WriterThread> {
    const worker = new Worker(WRITER_MAIN, { workerData: settings });
    const thread = new WriterThread(worker, warn);
    return new Promise<WriterThread>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new MonitoringError(MonitoringErrorCodes.DatabaseOpen, `the monitoring writer did not open ${settings.database} within ${timeoutMs / 1000} s`, {
          hint: 'another process may hold a lock on the database for long; or the machine is overloaded',
        }));
      }, timeoutMs);
      let ready = false;
      worker.on('message', (message: FromWriter) => {
        if (message.t === 'ready') {
          ready = true;
          clearTimeout(timer);
          thread.udpPort = message.udpPort;
          worker.unref();
          resolve(thread);
        } else if (message.t === 'error' && message.fatal && !ready) {
          clearTimeout(timer);
          void worker.terminate();
          reject(toError(message.error));
        } else thread.onMessage(message);
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        if (!ready) reject(new MonitoringError(MonitoringErrorCodes.Writer, `the monitoring writer thread failed: ${error.message}`, { cause: error }));
        else thread.onCrash(error);
      });
      worker.on('exit', () => {
        thread.exited = true;
        clearTimeout(timer);
        if (!ready) {
          reject(new MonitoringError(MonitoringErrorCodes.Writer, 'the monitoring writer thread exited while starting'));
          return;
        }
        thread.onCrash(new Error('the writer thread exited'));
      });
    });
  }

  /** Hand records to the writer (copied). */
  post(records: MonitoringRecord[]): void {
    if (this.exited) return;
    this.worker.postMessage({ t: 'records', records } satisfies ToWriter);
  }

  /** Hand a packed batch to the writer (its numbers are transferred, not copied). */
  postBatch(batch: RecordBatch): void {
    if (this.exited) return;
    this.worker.postMessage({ t: 'batch', batch } satisfies ToWriter, [batch.codes.buffer as ArrayBuffer]);
  }

  /** Resolves once everything posted (and spooled so far) is written; the number written in all. */
  flush(timeoutMs: number): Promise<number> {
    const id = this.nextFlush++;
    this.worker.ref();
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        this.worker.unref();
        reject(new MonitoringError(MonitoringErrorCodes.Undelivered, `the monitoring writer did not catch up within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(id, (written) => {
        clearTimeout(timer);
        this.worker.unref();
        resolve(written);
      });
      this.worker.postMessage({ t: 'flush', id } satisfies ToWriter);
    });
  }

  /** Write everything, close the database, end the thread. Terminates it after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<WriterTotals> {
    if (this.exited) throw new MonitoringError(MonitoringErrorCodes.Writer, 'the monitoring writer thread had already stopped');
    this.worker.ref();
    const totals = await new Promise<WriterTotals | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.stopped = (t) => {
        clearTimeout(timer);
        resolve(t);
      };
      this.worker.postMessage({ t: 'stop' } satisfies ToWriter);
    });
    await this.worker.terminate();
    if (!totals) {
      throw new MonitoringError(MonitoringErrorCodes.Undelivered, `the monitoring writer did not finish writing within ${timeoutMs / 1000} s; it was stopped`, {
        hint: 'raise the hub\'s stopTimeout, or look for another process holding the database locked',
      });
    }
    return totals;
  }

  private onMessage(message: FromWriter): void {
    switch (message.t) {
      case 'flushed':
        this.waiters.get(message.id)?.(message.written);
        this.waiters.delete(message.id);
        break;
      case 'stopped':
        this.stopped?.({ written: message.written, rejected: message.rejected });
        break;
      case 'warning':
        this.warn(message.message);
        break;
      case 'error':
        this.errors.push(message.error);
        this.warn(`[${message.error.code}] ${message.error.message}${message.error.hint ? ` (${message.error.hint})` : ''}`);
        break;
      default:
        break;
    }
  }

  private onCrash(error: Error): void {
    if (this.stopped) return;
    const message = `the monitoring writer thread stopped: ${error.message}; records sent from now on are lost`;
    this.errors.push({ code: MonitoringErrorCodes.Writer, message });
    this.warn(message);
  }
}

/** Rebuild a MonitoringError sent as plain data. */
export function toError(plain: PlainMonitoringError): MonitoringError {
  return new MonitoringError(plain.code as MonitoringErrorCode, plain.message, plain.hint === undefined ? {} : { hint: plain.hint });
}
