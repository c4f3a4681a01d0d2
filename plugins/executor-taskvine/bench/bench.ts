/**
 * Throughput and single-task latency of the TaskVineExecutor (Work Queue backend, with and without
 * the runner pool) next to the HighThroughputExecutor, on this machine, with the same
 * LocalProvider setup: one block, one worker offering `--workers` cores (HTEX: that many worker
 * processes).
 *
 *   pnpm --filter @parsl-ts/executor-taskvine bench [-- --tasks 2000 --latency 200 --workers 2 --json]
 *
 * Throughput: `--tasks` no-op tasks submitted at once, after a warm-up. Latency: `--latency` tasks one
 * after the other (submit, wait for the result), p50/p90/p99 in ms. Also: the time from
 * `loadConfig` to the first result (blocks start, workers connect).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, loadConfig, type Executor } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
process.env.CATALOG_HOST ??= '127.0.0.1:1';
const tasks = Number(values.tasks);
const latencySamples = Number(values.latency);
const workers = Number(values.workers);

const noop = app((x: number) => x, { name: 'noop' });

interface Row {
  readonly executor: string;
  readonly firstResultMs: number;
  readonly tasksPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(name: string, make: () => Executor, n: number, samples: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'parsl-ts-bench-'));
  const started = performance.now();
  const dfk = await loadConfig({ executors: [make()], runDir: join(dir, 'runinfo') });
  try {
    await noop(0);
    const firstResultMs = performance.now() - started;
    await Promise.all(Array.from({ length: Math.min(100, n) }, (_, i) => noop(i))); // warm-up
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => noop(i)));
    const tasksPerSecond = n / ((performance.now() - t0) / 1000);
    const rounds: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await noop(i);
      rounds.push(performance.now() - t);
    }
    rounds.sort((a, b) => a - b);
    return {
      executor: name, firstResultMs: Math.round(firstResultMs), tasksPerSecond: Math.round(tasksPerSecond),
      p50Ms: +percentile(rounds, 50).toFixed(2), p90Ms: +percentile(rounds, 90).toFixed(2), p99Ms: +percentile(rounds, 99).toFixed(2),
    };
  } finally {
    await dfk.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const provider = (): LocalProvider => new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 });
const candidates: [string, () => Executor][] = [
  ['htex', () => new HighThroughputExecutor({ label: 'htex', maxWorkersPerNode: workers, prefetchCapacity: 256, provider: provider() })],
  ['taskvine (workqueue, runner pool)', () => new TaskVineExecutor({ label: 'vine', backend: 'workqueue', workerCores: workers, provider: provider() })],
  ['taskvine (workqueue, node per task)', () => new TaskVineExecutor({ label: 'vine', backend: 'workqueue', workerCores: workers, runnerPool: false, provider: provider() })],
];
const rows: Row[] = [];
for (const [name, make] of candidates) {
  if (values.only && !name.includes(values.only)) continue;
  // Starting Node.js for every task is slow: that variant runs fewer tasks.
  const slow = name.includes('node per task');
  const row = await measure(name, make, slow ? Math.min(200, tasks) : tasks, slow ? Math.min(20, latencySamples) : latencySamples);
  rows.push(row);
  if (!values.json) {
    console.log(`${row.executor.padEnd(36)} ${String(row.tasksPerSecond).padStart(7)} tasks/s   latency p50 ${row.p50Ms} ms  p90 ${row.p90Ms} ms  p99 ${row.p99Ms} ms   first result ${row.firstResultMs} ms`);
  }
}
if (values.json) console.log(JSON.stringify({ tasks, latencySamples, workers, rows }, null, 2));
