// The HighThroughputExecutor with its worker pools in PBS jobs: PBSProProvider and TorqueProvider
// on the PBS/Torque wrappers of Debian's slurm-wlm-torque, over the real local Slurm cluster.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { app, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { MpiExecLauncher } from '@parsl-ts/launchers';
import { PBSProProvider, TorqueProvider, type PbsProvider, type PbsProviderOptions } from '../src/index.js';
import { activeJobs, devCluster, MPI_AS_ROOT, removeDir, tempDir, waitFor } from './cluster.js';

let dir = '';
let queue = '';
let dfk: DataFlowKernel | undefined;
let submitted: string[] = [];

beforeAll(() => {
  ({ partition: queue } = devCluster());
  dir = tempDir('htex');
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  // cleanup() deleted every block; Slurm, under the wrappers, lets go of them within moments.
  const ids = submitted;
  submitted = [];
  await waitFor('every block to leave the queue', () => (activeJobs(ids).length === 0 ? true : undefined), 15_000);
});
afterAll(() => removeDir(dir));

/** Record each block's job id as the provider returns it. */
function recording<P extends PbsProvider>(provider: P): P {
  const submit = provider.submit.bind(provider);
  provider.submit = async (command, tasksPerNode, jobName) => {
    const id = await submit(command, tasksPerNode, jobName);
    submitted.push(id);
    return id;
  };
  return provider;
}

const whereAmI = app(async (x: number, ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { x2: x * 2, job: process.env.PBS_JOBID ?? '', node: process.env.SLURMD_NODENAME ?? '' };
});

const longFirstTry = app(async (marker: string, x: number, ms: number) => {
  const { existsSync: exists, writeFileSync } = await import('node:fs');
  const file = `${marker}.${x}`;
  if (!exists(file)) {
    writeFileSync(file, process.env.PBS_JOBID ?? '');
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return process.env.PBS_JOBID ?? '';
});

const flavors = {
  PBSProProvider: (options: PbsProviderOptions) => new PBSProProvider(options),
  TorqueProvider: (options: PbsProviderOptions) => new TorqueProvider(options),
};

async function start(make: (o: PbsProviderOptions) => PbsProvider, options: PbsProviderOptions, retries = 0): Promise<PbsProvider> {
  const provider = recording(make({
    queue, walltime: '00:05:00', statusPollingInterval: 0.5, launcher: new MpiExecLauncher({ debug: false }), env: MPI_AS_ROOT, ...options,
  }));
  const htex = new HighThroughputExecutor({ label: 'pbs', provider, maxWorkersPerNode: 1, heartbeatPeriod: 0.5, heartbeatThreshold: 4 });
  dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategy: 'simple', strategyPeriod: 0.5, retries });
  return provider;
}

describe.each(Object.entries(flavors))('HTEX on %s (slurm-wlm-torque wrappers)', (name, make) => {
  it('runs a workflow on a block of 2 nodes through MpiExecLauncher: tasks report both node names, results are right', async () => {
    await start(make, { nodesPerBlock: 2, initBlocks: 1, maxBlocks: 1 });
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => whereAmI(i, 150)));
    expect(results.map((r) => r.x2)).toEqual(Array.from({ length: 16 }, (_, i) => i * 2));
    expect(new Set(results.map((r) => r.node)).size).toBe(2);
    expect(new Set(results.map((r) => r.job))).toEqual(new Set(submitted));
    expect(submitted).toHaveLength(1);
  });

  it('a block deleted from outside (qdel): its tasks are retried on another block', async () => {
    const marker = join(dir, `qdel-${name}`);
    await start(make, { initBlocks: 2, minBlocks: 2, maxBlocks: 2 }, 2);
    const runs = [0, 1, 2, 3].map((x) => longFirstTry(marker, x, 2500));
    const victim = await waitFor('tasks to run on both blocks', () => {
      const jobs = [0, 1, 2, 3].filter((x) => existsSync(`${marker}.${x}`)).map((x) => readFileSync(`${marker}.${x}`, 'utf8'));
      return new Set(jobs).size === 2 ? jobs[0] : undefined;
    }, 30_000);
    execFileSync('qdel', [victim!]);
    const results = await Promise.all(runs);
    expect(results.every((job) => job !== victim)).toBe(true);
  });

  it('a block the scheduler refuses (bad queue): tasks fail with PARSL_BLOCK_FAILURES quoting qsub, no hang', async () => {
    const started = Date.now();
    await start(make, { queue: 'nosuchqueue', initBlocks: 1, maxBlocks: 1 });
    const error = await whereAmI(1, 0).catch((e: unknown) => e) as { code: string; message: string };
    expect(error.code).toBe('PARSL_BLOCK_FAILURES');
    expect(error.message).toContain('sbatch: error: invalid partition specified: nosuchqueue');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
