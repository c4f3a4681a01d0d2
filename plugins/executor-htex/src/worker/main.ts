/**
 * One worker process of a worker pool. Its manager sends it tasks in batches over IPC; it runs
 * them one at a time, in order, and sends results back in batches (whenever it runs out of work,
 * and at least every few milliseconds while busy). Tasks and results are serialized with the run's
 * serializer; this process is the only place that decodes them.
 */
import type { ExecutorTask, Serializer } from '@parsl-ts/core';
import { errorToPlain, SerializationError } from '@parsl-ts/core';
import { executeTask, instantiateDescriptor, killRunningBashCommands, markWorkerContext } from '@parsl-ts/core/worker';
import type { MonitoringRecord } from '@parsl-ts/core';
import { WorkerReports } from '../monitoring/PoolMonitor.js';

/** A task as the manager sends it: id, try, serialized ExecutorTask. */
type TaskItem = [id: number, tryNumber: number, payload: Uint8Array];
/** A result: id, try, serialized `[ok, valueOrError]`. */
type ResultItem = [id: number, tryNumber: number, payload: Uint8Array];

interface TasksMessage { t: 'tasks'; tasks: TaskItem[] }
interface StopMessage { t: 'stop' }

const FLUSH_INTERVAL_MS = 2;

markWorkerContext();
const descriptor = JSON.parse(process.env.PARSL_TS_SERIALIZER ?? 'null') as Serializer['descriptor'] | null;
let serializer: Serializer | undefined;
const queue: TaskItem[] = [];
let results: ResultItem[] = [];
let running = false;
let lastFlush = performance.now();
/** With monitoring on: start reports go to the manager at once, end reports with the results. */
const reports = process.env.PARSL_TS_MONITORING ? new WorkerReports(process.env.PARSL_TS_MONITORING === 'resources') : undefined;
let monitoring: MonitoringRecord[] = [];

function encode(ok: boolean, value: unknown): Uint8Array {
  try {
    return serializer!.serialize([ok, value]);
  } catch (error) {
    const plain = errorToPlain(ok ? error : value);
    const reason = ok
      ? new SerializationError(`the result could not be serialized: ${plain.message}`, { hint: 'return plain data from apps' })
      : Object.assign(new Error(plain.message), { name: plain.name, stack: plain.stack });
    return serializer!.serialize([false, reason]);
  }
}

function flush(): void {
  lastFlush = performance.now();
  if (results.length === 0) return;
  const batch = results;
  results = [];
  if (monitoring.length === 0) {
    process.send!({ t: 'results', results: batch });
    return;
  }
  const m = monitoring;
  monitoring = [];
  process.send!({ t: 'results', results: batch, m });
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let item = queue.shift(); item; item = queue.shift()) {
      let payload: Uint8Array;
      if (reports) process.send!(reports.start(item[0], item[1]));
      try {
        const task = serializer!.deserialize(item[2]) as ExecutorTask;
        payload = encode(true, await executeTask(task));
      } catch (error) {
        payload = encode(false, error);
      }
      results.push([item[0], item[1], payload]);
      if (reports) for (const record of reports.end(item[0], item[1])) monitoring.push(record);
      if (performance.now() - lastFlush > FLUSH_INTERVAL_MS) flush();
    }
    flush();
  } finally {
    running = false;
  }
}

process.on('message', (message: TasksMessage | StopMessage) => {
  if (message.t === 'tasks') {
    for (const task of message.tasks) queue.push(task);
    void drain();
  } else if (message.t === 'stop') {
    queue.length = 0;
    killRunningBashCommands();
    process.exit(0);
  }
});
process.on('disconnect', () => {
  killRunningBashCommands();
  process.exit(0);
});

(descriptor ? instantiateDescriptor<Serializer>(descriptor, process.env.PARSL_TS_BASE_DIR ?? process.cwd()) : Promise.reject(new Error('PARSL_TS_SERIALIZER is not set')))
  .then((s) => {
    serializer = s;
    process.send!({ t: 'ready' });
  }, (error: unknown) => {
    process.stderr.write(`worker: cannot create the serializer: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(3);
  });
