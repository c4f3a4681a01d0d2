// Figures for HTEX on SlurmProvider against the local Slurm cluster of tools/dev-cluster:
//   1. time from loadConfig() to the first task running in a Slurm block (and where it goes:
//      sbatch, Slurm starting the job, the worker pool connecting, the first task);
//   2. tasks/s through HTEX on one block of N Slurm nodes (no-op tasks, after warm-up).
//
//   bash tools/dev-cluster/up.sh && pnpm --filter @parsl-ts/provider-slurm... build
//   cd plugins/provider-slurm && node --import tsx bench/slurm-htex.ts [--repeat 5] [--nodes 4] [--workers 2] [--tasks 20000]
//
// Prints one JSON document. Run it on an otherwise idle machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { app, loadConfig } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { SrunLauncher } from '@parsl-ts/launchers';
import { SlurmProvider } from '../src/index.js';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '5' }, nodes: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' }, tasks: { type: 'string', default: '20000' },
    partition: { type: 'string', default: 'debug' },
  },
});
const repeat = Number(values.repeat);
const nodes = Number(values.nodes);
const workers = Number(values.workers);
const tasks = Number(values.tasks);

const startedAt = app(() => Date.now());
const noop = app((x: number) => x);

class TimedSlurmProvider extends SlurmProvider {
  submitted = 0;
  override async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    const id = await super.submit(command, tasksPerNode, jobName);
    this.submitted = Date.now();
    return id;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'parsl-slurm-bench-'));
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function firstTask(run: number): Promise<Record<string, number>> {
  const provider = new TimedSlurmProvider({
    partition: values.partition, nodesPerBlock: 1, exclusive: false, walltime: '00:10:00', statusPollingInterval: 1,
    launcher: new SrunLauncher({ debug: false }),
  });
  const htex = new HighThroughputExecutor({ label: `first-${run}`, provider, maxWorkersPerNode: 1, heartbeatPeriod: 1 });
  const t0 = Date.now();
  const dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategyPeriod: 1 });
  const loaded = Date.now();
  let connected = 0;
  const watch = setInterval(() => { if (!connected && htex.managers.length > 0) connected = Date.now(); }, 5);
  try {
    const taskStart = await startedAt();
    return {
      loadConfigMs: loaded - t0, sbatchReturnedMs: provider.submitted - t0, poolConnectedMs: (connected || Date.now()) - t0,
      firstTaskRunningMs: taskStart - t0, firstResultMs: Date.now() - t0,
    };
  } finally {
    clearInterval(watch);
    await dfk.cleanup();
  }
}

async function throughput(): Promise<Record<string, number>> {
  const provider = new SlurmProvider({
    partition: values.partition, nodesPerBlock: nodes, exclusive: true, walltime: '00:10:00', statusPollingInterval: 5,
    launcher: new SrunLauncher({ debug: false }),
  });
  const htex = new HighThroughputExecutor({ label: 'throughput', provider, maxWorkersPerNode: workers, prefetchCapacity: 16 });
  const dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategy: 'none' });
  try {
    const deadline = Date.now() + 60_000;
    while (htex.managers.length < nodes) {
      if (Date.now() > deadline) throw new Error(`only ${htex.managers.length} of ${nodes} worker pools connected within 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(Array.from({ length: 200 }, (_, i) => noop(i))); // warm-up
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: tasks }, (_, i) => noop(i)));
    const seconds = (performance.now() - t0) / 1000;
    if (results.length !== tasks) throw new Error('lost results');
    return { nodes, workersPerNode: workers, tasks, seconds: Number(seconds.toFixed(2)), tasksPerSecond: Math.round(tasks / seconds) };
  } finally {
    await dfk.cleanup();
  }
}

try {
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await firstTask(i));
  const keys = Object.keys(runs[0]!);
  const firstTaskFigures = Object.fromEntries(keys.map((k) => [k, { median: median(runs.map((r) => r[k]!)), all: runs.map((r) => r[k]!) }]));
  const through = await throughput();
  process.stdout.write(`${JSON.stringify({ firstTask: firstTaskFigures, throughput: through }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
