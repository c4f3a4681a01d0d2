// Memory per outstanding task through HTEX + LocalProvider, across the submit side and the
// interchange (the target: at most 1 KiB). The manager is first filled with gate tasks
// (workers + prefetch of them; each waits for a file), then --tasks no-op tasks are submitted;
// with the workers held they stay outstanding: futures, task records and pending entries on the
// submit side, envelopes in the interchange's queue (a manager holds at most workers + prefetch
// tasks whatever the number outstanding, so it does not grow with them). Heaps are measured after
// a full GC before and after the submission; the difference per task is printed as one JSON
// document.
//
//   node --expose-gc tools/bench/htex-outstanding.mjs [--tasks 50000] [--workers 2] [--prefetch 256]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  tasks: { type: 'string', default: '50000' }, workers: { type: 'string', default: '2' }, prefetch: { type: 'string', default: '256' },
} });
const tasks = Number(values.tasks);
const workers = Number(values.workers);
const gc = globalThis.gc;
if (typeof gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const dist = (path) => new URL(`../../${path}`, import.meta.url).href;
const core = await import(dist('packages/core/dist/index.js'));
const { HighThroughputExecutor } = await import(dist('plugins/executor-htex/dist/index.js'));
const { LocalProvider } = await import(dist('plugins/provider-local/dist/index.js'));

const scratch = mkdtempSync(join(tmpdir(), 'parsl-ts-outstanding-'));
const gateFile = join(scratch, 'open');
const executor = new HighThroughputExecutor({
  label: 'htex', maxWorkersPerNode: workers, prefetchCapacity: Number(values.prefetch),
  provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
});
const dfk = await core.loadConfig({ executors: [executor], runDir: join(scratch, 'runinfo'), strategy: 'none' });
// Heap and ArrayBuffer backing stores (where serialized task payloads live), after a full GC.
const heap = () => { gc(); gc(); const { heapUsed, arrayBuffers } = process.memoryUsage(); return heapUsed + arrayBuffers; };
try {
  const gate = core.app(async (path) => {
    const { existsSync } = await import('node:fs');
    while (!existsSync(path)) await new Promise((r) => setTimeout(r, 20));
    return 0;
  }, { name: 'gate', ship: 'value' });
  const noop = core.app(() => 0, { name: 'noop', ship: 'value' });
  // Warm up the path (code, shapes, connections) before the baseline.
  await Promise.all(Array.from({ length: 200 }, () => noop()));
  const gates = Array.from({ length: workers + Number(values.prefetch) }, () => gate(gateFile));
  await new Promise((r) => setTimeout(r, 1500)); // the gates reach the workers
  let futures = [];
  const submitBefore = heap();
  const interchangeBefore = await executor.interchangeHeap();
  for (let i = 0; i < tasks; i++) futures.push(noop());
  // Let the executor hand the envelopes to the interchange.
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const { queued } = await executor.interchangeHeap(10_000);
    if (process.env.DEBUG_BENCH) console.error(i, queued, executor.outstanding);
    if (queued >= tasks) break;
  }
  const submitAfter = heap();
  const interchangeAfter = await executor.interchangeHeap(10_000);
  writeFileSync(gateFile, '');
  const results = await Promise.all(futures);
  await Promise.all(gates);
  const sum = results.reduce((a, b) => a + b, 0);
  futures = [];
  const submitSide = (submitAfter - submitBefore) / tasks;
  const used = ({ heapUsed, arrayBuffers }) => heapUsed + arrayBuffers;
  const interchange = (used(interchangeAfter) - used(interchangeBefore)) / tasks;
  console.log(JSON.stringify({
    tasks, workers, prefetch: Number(values.prefetch), queuedInInterchange: interchangeAfter.queued, resultsSum: sum,
    submitSideBytesPerTask: Math.round(submitSide), interchangeBytesPerTask: Math.round(interchange),
    totalBytesPerTask: Math.round(submitSide + interchange), targetBytesPerTask: 1024,
  }, null, 2));
} finally {
  await dfk.cleanup();
  rmSync(scratch, { recursive: true, force: true });
}
