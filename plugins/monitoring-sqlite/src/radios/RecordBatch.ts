import type { MonitoringRecord } from '@parsl-ts/core';

/**
 * A batch of records as the in-process radio hands it to the writer thread. State transitions —
 * most of all records — travel as numbers in one transferred `Float64Array` (their strings in a
 * small table), which costs the DataFlowKernel's thread a fraction of cloning them as objects;
 * other records travel as objects. Order is kept exactly.
 *
 * @since 0.1.0
 */
export interface RecordBatch {
  /** For each record: `[0, index into objects]` or `[1, run, task, try, time, seq, state, executor]` (strings as indexes into `strings`). */
  readonly codes: Float64Array;
  /** Number of doubles used in `codes`. */
  readonly length: number;
  /** Strings of the packed records. */
  readonly strings: readonly string[];
  /** Records that travel as objects. */
  readonly objects: readonly MonitoringRecord[];
}

/** Doubles per packed transition. */
const PACKED = 8;

/** Builds a {@link RecordBatch}. */
export class RecordBatchBuilder {
  private codes: Float64Array;
  private length = 0;
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private objects: MonitoringRecord[] = [];
  /** Records added. */
  count = 0;

  constructor(private readonly capacity: number) {
    this.codes = new Float64Array(capacity * PACKED);
  }

  /** Add a record. */
  add(record: MonitoringRecord): void {
    this.count++;
    if (this.length + PACKED > this.codes.length) {
      const grown = new Float64Array(this.codes.length * 2);
      grown.set(this.codes);
      this.codes = grown;
    }
    const c = this.codes;
    let i = this.length;
    if (record.kind === 'task_state' && record.error === undefined && record.fnHash === undefined) {
      c[i++] = 1;
      c[i++] = this.string(record.runId);
      c[i++] = record.taskId;
      c[i++] = record.tryId;
      c[i++] = record.time;
      c[i++] = record.seq ?? -1;
      c[i++] = this.string(record.state);
      c[i++] = this.string(record.executor);
    } else {
      c[i++] = 0;
      c[i++] = this.objects.length;
      this.objects.push(record);
    }
    this.length = i;
  }

  /** The batch so far (the builder starts over). */
  take(): RecordBatch {
    const batch: RecordBatch = { codes: this.codes, length: this.length, strings: this.strings, objects: this.objects };
    this.codes = new Float64Array(this.capacity * PACKED);
    this.length = 0;
    this.strings = [];
    this.stringIndex = new Map();
    this.objects = [];
    this.count = 0;
    return batch;
  }

  private string(value: string): number {
    let index = this.stringIndex.get(value);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(value);
      this.stringIndex.set(value, index);
    }
    return index;
  }
}

/**
 * The records of a batch, in order.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * for (const record of unpackRecords(batch)) console.log(record.kind);
 * ```
 */
export function unpackRecords(batch: RecordBatch): MonitoringRecord[] {
  const records: MonitoringRecord[] = [];
  const { codes, length, strings, objects } = batch;
  for (let i = 0; i < length;) {
    if (codes[i] === 0) {
      records.push(objects[codes[i + 1]!]!);
      i += 2;
      continue;
    }
    const seq = codes[i + 5]!;
    records.push({
      kind: 'task_state', runId: strings[codes[i + 1]!]!, taskId: codes[i + 2]!, tryId: codes[i + 3]!, time: codes[i + 4]!,
      state: strings[codes[i + 6]!]! as Extract<MonitoringRecord, { kind: 'task_state' }>['state'], executor: strings[codes[i + 7]!]!,
      ...(seq >= 0 ? { seq } : {}),
    });
    i += PACKED;
  }
  return records;
}
