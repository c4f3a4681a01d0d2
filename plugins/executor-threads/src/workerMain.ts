/**
 * The worker thread: receives batches of tasks, runs them one at a time, and sends results back
 * in batches (at least every `flushIntervalMs` while busy, and whenever it runs out of work).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExecutorTask, Serializer } from '@parsl-ts/core';
import { errorToPlain } from '@parsl-ts/core';
import {
  cachedShippedFunction, executeTask, instantiateDescriptor, killRunningBashCommands, markWorkerContext,
} from '@parsl-ts/core/worker';
import type { FromWorker, ResultTuple, TaskBatch, ToWorker, WorkerBootData } from './messages.js';

const boot = workerData as WorkerBootData;
const port = parentPort!;
markWorkerContext();

let serializer: Serializer;
const functions = new Map<string, ExecutorTask['fn']>();
const queue: ExecutorTask[] = [];
let queueHead = 0;
let running = false;
let stopping = false;
let results: ResultTuple[] = [];
let lastFlush = performance.now();

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

function flush(): void {
  lastFlush = performance.now();
  if (results.length === 0) return;
  // A fresh Uint8Array, so postMessage transfers exactly these bytes and not the encoder's pool.
  const bytes = serializer.serialize(results);
  const payload = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  results = [];
  post({ t: 'results', payload }, [payload.buffer as ArrayBuffer]);
}

function encodeError(error: unknown): unknown {
  // Errors travel through the serializer (which uses errorToPlain); a throwing getter or
  // an exotic object must not break the result batch.
  try {
    serializer.serialize(error);
    return error;
  } catch {
    return Object.assign(new Error(errorToPlain(error).message), { name: errorToPlain(error).name });
  }
}

function encodeValue(task: ExecutorTask, value: unknown): ResultTuple {
  try {
    serializer.serialize(value);
    return [task.id, task.try, true, value];
  } catch (error) {
    return [task.id, task.try, false, encodeError(error)];
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    while (!stopping && queueHead < queue.length) {
      const task = queue[queueHead]!;
      queue[queueHead++] = undefined as never;
      // The main thread arms a task's walltime when it learns the task started, i.e. when the
      // results before it arrive: send them now, or a long task would hold them (and run unchecked).
      if (task.walltimeSeconds !== undefined && results.length > 0) safeFlush();
      try {
        // Fast path: a cached synchronous function returning a plain value never awaits.
        // (A task with in-task staging goes through executeTask, which runs its steps.)
        const fn = task.kind === 'function' && task.staging === undefined ? cachedShippedFunction(task.fn) : undefined;
        let value = fn ? fn(...task.args) : await executeTask(task);
        if (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function') value = await value;
        results.push([task.id, task.try, true, value]);
      } catch (error) {
        results.push([task.id, task.try, false, error]);
      }
      if (results.length >= 1024 || performance.now() - lastFlush > boot.flushIntervalMs) safeFlush();
    }
    queue.length = 0;
    queueHead = 0;
    safeFlush();
  } finally {
    running = false;
  }
}

/** Flush, and if one result cannot be serialized, re-encode the batch one by one. */
function safeFlush(): void {
  try {
    flush();
  } catch {
    const batch = results;
    results = batch.map(([id, tryNumber, ok, value]) => (ok ? encodeValue({ id, try: tryNumber } as ExecutorTask, value) : [id, tryNumber, false, encodeError(value)]));
    flush();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.t === 'tasks') {
    const batch = serializer.deserialize(message.payload) as TaskBatch;
    for (const [key, fn] of Object.entries(batch.functions)) functions.set(key, fn);
    for (const wire of batch.tasks) {
      const fn = functions.get(wire.fnKey);
      const task = { ...wire, fn } as ExecutorTask;
      if (!fn) {
        results.push([wire.id, wire.try, false, new Error(`internal: function ${wire.fnKey} was never sent to this worker`)]);
        continue;
      }
      queue.push(task);
    }
    void drain();
  } else if (message.t === 'shutdown') {
    // Drop the tasks sent ahead first, so no new bash command starts after the kill below.
    stopping = true;
    queue.length = 0;
    queueHead = 0;
    killRunningBashCommands();
    port.close();
  }
});

instantiateDescriptor<Serializer>(boot.serializer, boot.baseDir).then((s) => {
  serializer = s;
  post({ t: 'ready' });
}, (error: unknown) => {
  post({ t: 'boot-failed', error: String((error as Error)?.stack ?? error) });
});
