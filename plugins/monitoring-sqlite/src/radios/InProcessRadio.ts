import type { MonitoringRadio, MonitoringRecord } from '@parsl-ts/core';
import { RecordBatchBuilder, type RecordBatch } from './RecordBatch.js';

/** Records handed over at once when many are sent in one synchronous burst. */
const BATCH = 2048;

/**
 * The radio of records that happen in the workflow's own process (the DataFlowKernel, executors'
 * submit sides): `send` appends to a batch, which goes to the hub's writer thread at the end of
 * the current turn of the event loop, or sooner when it is large.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const radio = await hub.start({ runId, runDir }); // an InProcessRadio unless `radio` says otherwise
 * radio.send({ kind: 'workflow_end', runId, time: Date.now(), tasksCompleted: 1, tasksFailed: 0 });
 * ```
 */
export class InProcessRadio implements MonitoringRadio {
  /** Records refused because they were sent after `close()`. */
  dropped = 0;
  private readonly batch = new RecordBatchBuilder(BATCH);
  private scheduled = false;
  private closed = false;

  /**
   * @param deliver - takes each batch (the hub posts it to its writer thread, transferring `codes`)
   * @param resourceMonitoringInterval - seconds between resource samples on workers (0: none)
   */
  constructor(private readonly deliver: (batch: RecordBatch) => void, readonly resourceMonitoringInterval: number = 0) {}

  /** @inheritDoc */
  send(record: MonitoringRecord): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    this.batch.add(record);
    if (this.batch.count >= BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Hand over what is batched now. */
  flush(): void {
    this.scheduled = false;
    if (this.batch.count === 0) return;
    this.deliver(this.batch.take());
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
  }
}
