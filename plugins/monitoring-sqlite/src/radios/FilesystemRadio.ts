import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { MonitoringRadio, MonitoringRecord } from '@parsl-ts/core';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';

/**
 * Options of a {@link FilesystemRadio}. Plain data.
 *
 * @since 0.1.0
 */
export interface FilesystemRadioOptions {
  /** The hub's spool folder (`hub.spoolDir` after start); on a filesystem both sides see. */
  dir: string;
  /** Append what was sent at least this often, in ms. Default 100. */
  flushInterval?: number;
  /** Seconds between resource samples on workers, passed on to executors (0: none). Default 0. */
  resourceMonitoringInterval?: number;
}

/** Records appended in one write at most. */
const BATCH = 1000;

/**
 * A radio that appends records, one JSON object per line, to a file of its own in the hub's spool
 * folder; the hub reads what is appended and deletes the file once the radio closed it. Works
 * wherever a shared filesystem reaches and no port does. Records sent in the last `flushInterval`
 * before the process is killed are lost; everything appended is delivered.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const radio = new FilesystemRadio({ dir: '/shared/runinfo/007/monitoring-spool' });
 * radio.send({ kind: 'block', runId, time: Date.now(), executor: 'htex', blockId: '0', state: 'running' });
 * await radio.close();
 * ```
 */
export class FilesystemRadio implements MonitoringRadio {
  /** @inheritDoc */
  readonly resourceMonitoringInterval: number;
  /** The file this radio appends to. */
  readonly file: string;
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private closed = false;
  private appended = false;
  private failure: Error | undefined;

  constructor(options: FilesystemRadioOptions) {
    if (typeof options?.dir !== 'string' || options.dir.length === 0) {
      throw new MonitoringError(MonitoringErrorCodes.Options, 'FilesystemRadio: dir must be the hub\'s spool folder', {
        hint: 'start the hub with a filesystem listener and use hub.spoolDir',
      });
    }
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`);
    this.flushIntervalMs = options.flushInterval ?? 100;
    this.resourceMonitoringInterval = options.resourceMonitoringInterval ?? 0;
  }

  /** @inheritDoc */
  send(record: MonitoringRecord): void {
    if (this.closed) return;
    this.lines.push(JSON.stringify(record));
    if (this.lines.length >= BATCH) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Append what was sent so far. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    try {
      // One append per batch: the hub only takes whole lines, so a batch cut short waits for its end.
      appendFileSync(this.file, text);
      this.lines = [];
      this.appended = true;
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.failure || this.lines.length > 0) {
      throw new MonitoringError(MonitoringErrorCodes.Undelivered,
        `the filesystem radio could not append ${this.lines.length} record(s) to ${this.file}: ${this.failure?.message ?? 'unknown error'}`, {
          hint: 'check that the spool folder is writable and its filesystem not full',
        });
    }
    // Tell the hub nothing more comes, so it can delete the file once it has read it.
    if (this.appended) writeFileSync(`${this.file}.closed`, '');
  }
}
