import { spawn } from 'node:child_process';
import { loadConfig, app } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
const jobs = new Map();
const provider = {
  label: 'inline', initBlocks: 1, minBlocks: 0, maxBlocks: 2, parallelism: 1, nodesPerBlock: 1, statusPollingInterval: 1,
  launcher: { name: 'simple', wrap: (c) => c },
  async submit(command) { const p = spawn('bash', ['-c', command], { stdio: 'inherit', detached: true }); jobs.set(String(p.pid), p); return String(p.pid); },
  async status(ids) { return ids.map((id) => ({ state: jobs.get(id)?.exitCode === null ? 'running' : 'completed' })); },
  async cancel(ids) { for (const id of ids) { try { process.kill(-Number(id), 'SIGTERM'); } catch {} } return ids.map(() => true); },
};
const htex = new HighThroughputExecutor({ provider, maxWorkersPerNode: 2, prefetchCapacity: Number(process.argv[2]) });
const t0 = performance.now();
const dfk = await loadConfig({ executors: [htex], runDir: '/tmp/bench/runinfo' });
const tl = performance.now();
await htex.scaleOut(1);
const noop = app(() => 0);
await noop();
console.log('load ms', Math.round(tl - t0), 'first result ms', Math.round(performance.now() - t0));
for (const n of [10000, 50000, 100000]) {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, () => noop()));
  console.log(n, Math.round(n / ((performance.now() - t) / 1000)), 'tasks/s', 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
}
const lat = [];
for (let i = 0; i < 300; i++) { const t = performance.now(); await noop(); lat.push(performance.now() - t); }
lat.sort((a, b) => a - b); console.log('p50 ms', lat[150].toFixed(3));
await dfk.cleanup();
