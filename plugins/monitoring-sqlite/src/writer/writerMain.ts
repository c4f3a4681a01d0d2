/**
 * The hub's writer thread: the one place that writes the database. It receives records from the
 * in-process radio (messages from the main thread), from the UDP listener and from the spool
 * folder, and writes them in batched transactions; it also samples the workflow process's
 * resources. Keeping SQLite and the listeners here keeps the DataFlowKernel's thread free.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MonitoringRecord } from '@parsl-ts/core';
import { sampleProcessTree, usageSince } from '@parsl-ts/core/worker';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';
import { unpackRecords, type RecordBatch } from '../radios/RecordBatch.js';
import { SpoolIngester } from '../radios/SpoolIngester.js';
import { UdpReceiver } from '../radios/UdpReceiver.js';
import { DatabaseWriter } from './DatabaseWriter.js';
import type { FromWriter, ToWriter, WriterSettings } from './writerMessages.js';

const settings = workerData as WriterSettings;
const port = parentPort!;
/** Records per transaction; between transactions the thread answers UDP and messages. */
const MAX_BATCH = 20_000;
/** How long task and try changes may wait to be merged with later ones (status rows never wait). */
const MERGE_WINDOW_MS = 250;
/** Pause before a failed batch is tried again. */
const RETRY_MS = 1000;

let writer: DatabaseWriter;
let udp: UdpReceiver | undefined;
let spool: SpoolIngester | undefined;
/** Waiting to be written; packed batches stay packed (a third of the memory) until their turn. */
const pending: (MonitoringRecord[] | RecordBatch)[] = [];
let flushScheduled = false;
let spoolTimer: NodeJS.Timeout | undefined;
let sampleTimer: NodeJS.Timeout | undefined;
let mergeTimer: NodeJS.Timeout | undefined;
let retryTimer: NodeJS.Timeout | undefined;
let failed = false;
let lastFailure = '';

function post(message: FromWriter): void {
  port.postMessage(message);
}

function plain(error: unknown): { code: string; message: string; hint?: string } {
  const e = error as MonitoringError;
  return { code: typeof e?.code === 'string' ? e.code : MonitoringErrorCodes.Writer, message: String(e?.message ?? error), ...(e?.hint ? { hint: e.hint } : {}) };
}

function accept(records: MonitoringRecord[] | RecordBatch): void {
  if (records.length === 0) return; // a batch's length counts its numbers: 0 means empty too
  pending.push(records);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushSome);
  }
}

/**
 * Write up to MAX_BATCH records in one transaction; come back for the rest after other events.
 * A batch that fails (another process held the database locked past the busy timeout, disk full)
 * goes back to the head of the queue and is tried again after RETRY_MS. Returns whether it wrote.
 */
function flushSome(): boolean {
  flushScheduled = false;
  if (retryTimer) return false;
  const batch: MonitoringRecord[] = [];
  while (pending.length > 0 && batch.length < MAX_BATCH) {
    if (!Array.isArray(pending[0])) pending[0] = unpackRecords(pending[0]!);
    const head = pending[0] as MonitoringRecord[];
    const room = MAX_BATCH - batch.length;
    if (head.length <= room) {
      pending.shift();
      for (const record of head) batch.push(record);
    } else {
      for (const record of head.splice(0, room)) batch.push(record);
    }
  }
  try {
    writer.write(batch, pending.length > 0);
    failed = false;
  } catch (error) {
    pending.unshift(batch);
    report(error, `${batch.length} monitoring records (kept; tried again every ${RETRY_MS / 1000} s)`);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      flushSome();
    }, RETRY_MS);
    return false;
  }
  if (pending.length > 0 && !flushScheduled) {
    flushScheduled = true;
    setImmediate(flushSome);
  }
  return true;
}

/** Write everything queued (at stop, and for flush requests); stops at a batch that fails. */
function flushAll(): void {
  spool?.scan();
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }
  while (pending.length > 0 && flushSome()) {
    // next batch
  }
  writeWaiting();
}

/** Write the task and try changes the writer holds back to merge them (at most a window old). */
function writeWaiting(): void {
  try {
    writer.flush();
  } catch (error) {
    report(error, 'the latest task and try changes');
  }
}

/** Warn (once per streak of failures) that writing failed; what failed stays queued. */
function report(error: unknown, what: string): void {
  lastFailure = (error as Error)?.message ?? String(error);
  if (failed) return;
  failed = true;
  post({ t: 'warning', message: `[${MonitoringErrorCodes.Writer}] writing ${what} to ${settings.database} failed: ${lastFailure}` });
}

function startSampling(): void {
  const sample = settings.sampleProcess;
  if (!sample || sample.intervalMs <= 0) return;
  const base = sampleProcessTree(process.pid);
  if (!base) return; // no /proc: nothing to sample
  const tick = (): void => {
    const now = sampleProcessTree(process.pid);
    if (!now) return;
    const usage = usageSince(now, base);
    accept([{ kind: 'resource', runId: sample.runId, time: Date.now(), taskId: -1, tryId: -1, pid: process.pid, ...usage }]);
  };
  sampleTimer = setInterval(tick, sample.intervalMs);
}

async function stop(): Promise<void> {
  if (sampleTimer) clearInterval(sampleTimer);
  if (spoolTimer) clearInterval(spoolTimer);
  if (mergeTimer) clearInterval(mergeTimer);
  if (retryTimer) clearTimeout(retryTimer);
  if (udp) await udp.close();
  flushAll();
  const lost = pending.reduce((n, p) => n + (Array.isArray(p) ? p.length : unpackRecords(p).length), 0) + writer.waitingChanges;
  if (lost > 0) {
    post({ t: 'error', fatal: false, error: plain(new MonitoringError(MonitoringErrorCodes.Writer,
      `${lost} monitoring records or row changes could not be written to ${settings.database}: ${lastFailure}`, {
        hint: 'check free disk space and that nothing else holds a write lock on the database for long (see busyTimeout)',
      })) });
  }
  const rejected = (udp?.rejected ?? 0) + (spool?.rejected ?? 0);
  try {
    writer.close();
  } catch {
    // reported above: what could not be written is lost
  }
  post({ t: 'stopped', written: writer.written, rejected });
}

port.on('message', (message: ToWriter) => {
  switch (message.t) {
    case 'records':
      accept(message.records);
      break;
    case 'batch':
      accept(message.batch);
      break;
    case 'flush':
      flushAll();
      post({ t: 'flushed', id: message.id, written: writer.written });
      break;
    case 'stop':
      void stop().catch((error: unknown) => post({ t: 'error', fatal: true, error: plain(error) }));
      break;
  }
});

async function boot(): Promise<void> {
  writer = new DatabaseWriter(settings.database, { busyTimeoutMs: settings.busyTimeoutMs, mergeWindowMs: MERGE_WINDOW_MS });
  let udpPort: number | undefined;
  if (settings.udp) {
    udp = new UdpReceiver(settings.udp.address, settings.udp.port, accept, (m) => post({ t: 'warning', message: m }));
    udpPort = await udp.listen();
  }
  if (settings.spool) {
    spool = new SpoolIngester(settings.spool.dir, accept);
    spoolTimer = setInterval(() => spool!.scan(), settings.spool.pollMs);
  }
  startSampling();
  mergeTimer = setInterval(writeWaiting, MERGE_WINDOW_MS);
  post({ t: 'ready', ...(udpPort === undefined ? {} : { udpPort }) });
}

boot().catch((error: unknown) => {
  post({ t: 'error', fatal: true, error: plain(error) });
  try {
    writer?.close();
  } catch {
    // not opened
  }
});
