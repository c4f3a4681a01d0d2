/**
 * One warm process of a block's runner pool (forked by RunnerPool). It loads @parsl-ts/core and
 * the serializer once, then runs one task at a time: the pool sends the sandbox of a task, this
 * process runs it with the shared runner code and answers when the result file is written.
 */
import type { Serializer, PluginDescriptor, ShippedFunction } from '@parsl-ts/core';
import { loadRunnerApi, runTaskInSandbox, type RunnerApi } from '../runner/runner.js';

/** Pool → child. */
export interface RunMessage { readonly t: 'run'; readonly sandbox: string }
/** Child → pool. */
export type ChildMessage =
  | { readonly t: 'ready' }
  | { readonly t: 'done'; readonly sandbox: string }
  | { readonly t: 'fatal'; readonly message: string };

const queue: string[] = [];
const functions = new Map<string, ShippedFunction>();
let loaded: { api: RunnerApi; serializer: Serializer } | undefined;
let busy = false;

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function drain(): Promise<void> {
  if (busy || !loaded) return;
  busy = true;
  try {
    for (let sandbox = queue.shift(); sandbox !== undefined; sandbox = queue.shift()) {
      try {
        await runTaskInSandbox(sandbox, loaded.serializer, loaded.api, functions);
      } catch (error) {
        // The result file could not be written (the sandbox is gone: the task was cancelled).
        process.stderr.write(`parsl-ts runner pool: ${sandbox}: ${(error as Error)?.message ?? String(error)}\n`);
      }
      send({ t: 'done', sandbox });
    }
  } finally {
    busy = false;
  }
}

// Listen at once: runs sent while the packages load wait in the queue.
process.on('message', (message: RunMessage) => {
  if (message?.t !== 'run') return;
  queue.push(message.sandbox);
  void drain();
});
process.on('disconnect', () => process.exit(0));

const baseDir = process.env.PARSL_TS_BASE_DIR ?? process.cwd();
(async () => {
  const api = await loadRunnerApi(baseDir);
  api.markWorkerContext();
  const descriptor = JSON.parse(process.env.PARSL_TS_SERIALIZER ?? 'null') as PluginDescriptor | null;
  if (!descriptor) throw new Error('PARSL_TS_SERIALIZER is not set');
  const serializer = await api.instantiateDescriptor<Serializer>(descriptor, baseDir);
  loaded = { api, serializer };
  send({ t: 'ready' });
  await drain();
})().catch((error: unknown) => {
  const message = `cannot load @parsl-ts/core or the serializer from ${baseDir}: ${(error as Error)?.stack ?? String(error)}`;
  process.stderr.write(`parsl-ts runner pool: ${message}\n`);
  send({ t: 'fatal', message });
  setTimeout(() => process.exit(70), 100);
});
