import { app, loadConfig, type Monitoring } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
const noop = app((i: number) => i, { name: 'noop' });
const N = 100_000;
async function run(label: string, monitoring?: Monitoring) {
  const dfk = await loadConfig({ runDir: '/tmp/tp/runinfo', executors: [new ThreadPoolExecutor({ label: 't', maxThreads: 2 })], ...(monitoring ? { monitoring } : {}) });
  const t0 = performance.now();
  const fs = new Array(N); for (let i = 0; i < N; i++) fs[i] = noop(i);
  await Promise.all(fs);
  const ms = performance.now() - t0;
  const c0 = performance.now();
  await dfk.cleanup();
  console.log(label, Math.round(N / ms * 1000), 'tasks/s; cleanup', Math.round(performance.now() - c0), 'ms');
}
const nullMonitoring: Monitoring = { start: async () => ({ send: () => undefined, close: async () => undefined }), stop: async () => undefined };
// a worker that only receives the batches
const sink = (): Monitoring => {
  let w: Worker;
  return { start: async () => { w = new Worker('const {parentPort}=require("worker_threads"); let n=0; parentPort.on("message", m => { n += m.length; });', { eval: true }); w.unref(); let batch: unknown[] = []; let sch = false;
    return { send: (r) => { batch.push(r); if (batch.length >= 2048) { w.postMessage(batch); batch = []; } else if (!sch) { sch = true; setImmediate(() => { sch = false; if (batch.length) { w.postMessage(batch); batch = []; } }); } }, close: async () => { if (batch.length) w.postMessage(batch); } }; },
    stop: async () => { await w.terminate(); } };
};
rmSync('/tmp/tp', { recursive: true, force: true });
await run('warmup');
await run('none');
await run('null radio', nullMonitoring);
await run('post to worker', sink());
await run('hub', new MonitoringHub({ database: '/tmp/tp/m.db', resourceMonitoringInterval: 0 }));
await run('none');
