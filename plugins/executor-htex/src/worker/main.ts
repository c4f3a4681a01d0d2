/**
 * One worker process of a worker pool, linked to its manager on descriptor 3 (msgpack frames, see
 * FramePipe). The manager starts it early and names the run's serializer in a first `init`
 * message; then it sends tasks in batches, which this process runs one at a time, in order,
 * sending results back in batches (whenever it runs out of work, and at least every few
 * milliseconds while busy). Tasks and results are serialized with the run's serializer; this
 * process is the only place that decodes them.
 */
import type { ExecutorTask, PluginDescriptor, Serializer } from '@parsl-ts/core';
import { errorToPlain, SerializationError } from '@parsl-ts/core/wire';
import { executeTask, instantiateDescriptor, killRunningBashCommands, markWorkerContext } from '@parsl-ts/core/worker';
import type { MonitoringRecord } from '@parsl-ts/core';
import { WorkerReports } from '../monitoring/PoolMonitor.js';
import { FramePipe, parentLink } from '../protocol/FramePipe.js';
import type { ManagerToWorker, WorkerResult, WorkerTask, WorkerToManager } from '../protocol/messages.js';



const FLUSH_INTERVAL_MS = 2;

markWorkerContext();
let serializer: Serializer | undefined;
const queue: WorkerTask[] = [];
let results: WorkerResult[] = [];
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
    manager.send({ t: 'results', results: batch });
    return;
  }
  const m = monitoring;
  monitoring = [];
  manager.send({ t: 'results', results: batch, m });
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let item = queue.shift(); item; item = queue.shift()) {
      let payload: Uint8Array;
      if (reports) manager.send(reports.start(item[0], item[1]));
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

function stop(): void {
  queue.length = 0;
  killRunningBashCommands();
  process.exit(0);
}

const manager = new FramePipe<ManagerToWorker, WorkerToManager>(parentLink(), {
  onMessage: (message) => {
    if (message.t === 'tasks') {
      for (const task of message.tasks) queue.push(task);
      void drain();
    } else if (message.t === 'init') init(message.serializer);
    else if (message.t === 'stop') stop();
  },
  // The manager went away: nobody is left to take results.
  onClose: stop,
  onGarbage: (error) => process.stderr.write(`worker: undecodable frame from the manager (${String(error)}); exiting\n`),
});

/** The manager's first message names the run's serializer: create it, then take tasks. */
function init(descriptor: PluginDescriptor): void {
  if (serializer) return;
  instantiateDescriptor<Serializer>(descriptor, process.env.PARSL_TS_BASE_DIR ?? process.cwd()).then((s) => {
    serializer = s;
    manager.send({ t: 'ready' });
  }, (error: unknown) => {
    process.stderr.write(`worker: cannot create the serializer: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(3);
  });
}
