import type { ExecutorTask, PluginDescriptor, ShippedFunction } from '@parsl-ts/core';

/** What the main thread gives each worker thread at start. */
export interface WorkerBootData {
  /** The serializer tasks and results travel with. */
  readonly serializer: PluginDescriptor;
  /** Folder to resolve plugin packages from (the workflow's working directory). */
  readonly baseDir: string;
  /** Flush results at least this often while busy, in ms. */
  readonly flushIntervalMs: number;
}

/** Main → worker messages. */
export type ToWorker =
  | { readonly t: 'tasks'; readonly payload: Uint8Array }
  | { readonly t: 'shutdown' };

/** Worker → main messages. */
export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'boot-failed'; readonly error: Uint8Array | string }
  | { readonly t: 'results'; readonly payload: Uint8Array };

/**
 * A batch of tasks as it travels to a worker: functions are sent once per worker (`functions`,
 * by key) and tasks refer to them by key, so a million calls of one app do not carry its source
 * a million times.
 */
export interface TaskBatch {
  /** Functions this worker has not seen yet, by key. */
  readonly functions: Record<string, ShippedFunction>;
  /** Tasks whose `fn` is replaced by `fnKey`. */
  readonly tasks: WireTask[];
}

/** An ExecutorTask with its function replaced by a key. */
export type WireTask = Omit<ExecutorTask, 'fn'> & { readonly fnKey: string };

/** One result: task id, try, ok flag, value or error. */
export type ResultTuple = [id: number, tryNumber: number, ok: boolean, valueOrError: unknown];
