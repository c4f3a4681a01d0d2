// Workflows on the HighThroughputExecutor whose worker pools run in Slurm jobs of the local
// cluster (tools/dev-cluster): blocks of two nodes, block scaling, blocks cancelled from outside,
// blocks that reach their walltime, and blocks Slurm refuses.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { app, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { SrunLauncher } from '@parsl-ts/launchers';
import { SlurmProvider, type SlurmProviderOptions } from '../src/index.js';
import { activeJobs, devCluster, removeDir, tempDir, waitFor } from './cluster.js';

/** A SlurmProvider that remembers the jobs it submitted, so the test can look at them in squeue. */
class RecordingSlurmProvider extends SlurmProvider {
  readonly submitted: string[] = [];
  override async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    const id = await super.submit(command, tasksPerNode, jobName);
    this.submitted.push(id);
    return id;
  }
}

let dir = '';
let partition = '';
let dfk: DataFlowKernel | undefined;
let provider: RecordingSlurmProvider | undefined;
/** The walltime workflow, running in a process of its own while the other tests run. */
let walltimeRun: ChildProcess | undefined;
let walltimeOutcome: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;

beforeAll(() => {
  ({ partition } = devCluster());
  dir = tempDir('htex');
  const walltimeDir = join(dir, 'walltime');
  mkdirSync(walltimeDir);
  walltimeRun = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/walltimeWorkflow.ts', import.meta.url)), walltimeDir, partition], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = walltimeRun;
  walltimeOutcome = new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  // cleanup() cancelled every block: none of this test's jobs is left in the queue.
  if (provider) expect(activeJobs(provider.submitted)).toEqual([]);
  provider = undefined;
});
afterAll(() => {
  if (walltimeRun && walltimeRun.exitCode === null && walltimeRun.signalCode === null) walltimeRun.kill('SIGKILL');
  removeDir(dir);
});

async function start(
  options: SlurmProviderOptions, executor: { maxIdleTime?: number; drainMargin?: number } = {}, retries = 0,
): Promise<HighThroughputExecutor> {
  provider = new RecordingSlurmProvider({
    partition, exclusive: false, walltime: '00:05:00', statusPollingInterval: 0.5, launcher: new SrunLauncher({ debug: false }), ...options,
  });
  const htex = new HighThroughputExecutor({ label: 'slurm', provider, maxWorkersPerNode: 1, heartbeatPeriod: 0.5, heartbeatThreshold: 4, ...executor });
  dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategy: 'simple', strategyPeriod: 0.5, retries });
  return htex;
}

/** Where a task ran: the Slurm job and node of its worker pool. */
const whereAmI = app(async (x: number, ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { x2: x * 2, job: process.env.SLURM_JOB_ID ?? '', node: process.env.SLURMD_NODENAME ?? '' };
});

/** Sleeps `ms` after writing its job id to `<marker>.<x>`; a retry of the task finds the file and returns at once. */
const longFirstTry = app(async (marker: string, x: number, ms: number) => {
  const { existsSync, writeFileSync } = await import('node:fs');
  const file = `${marker}.${x}`;
  if (!existsSync(file)) {
    writeFileSync(file, process.env.SLURM_JOB_ID ?? '');
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return process.env.SLURM_JOB_ID ?? '';
});

const fails = app(async () => {
  throw new Error('the workflow fails');
});

describe('HTEX on SlurmProvider (real Slurm)', () => {
  it('runs a workflow on a block of 2 nodes through SrunLauncher: tasks report both node names, results are right', async () => {
    await start({ nodesPerBlock: 2, initBlocks: 1, maxBlocks: 1 });
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => whereAmI(i, 150)));
    expect(results.map((r) => r.x2)).toEqual(Array.from({ length: 24 }, (_, i) => i * 2));
    expect(new Set(results.map((r) => r.node)).size).toBe(2);
    expect([...new Set(results.map((r) => r.node))].every((n) => /^node\d+$/.test(n))).toBe(true);
    // Both nodes belong to the one job of the one block.
    expect(new Set(results.map((r) => r.job))).toEqual(new Set([provider!.submitted[0]]));
  });

  it('scales from 0 blocks to maxBlocks under load, back to minBlocks when idle; the other jobs leave squeue', async () => {
    const htex = await start({ initBlocks: 0, minBlocks: 1, maxBlocks: 3 }, { maxIdleTime: 1 });
    expect(provider!.submitted).toEqual([]);
    const results = await Promise.all(Array.from({ length: 18 }, (_, i) => whereAmI(i, 800)));
    expect(results.map((r) => r.x2)).toEqual(Array.from({ length: 18 }, (_, i) => i * 2));
    expect(new Set(results.map((r) => r.job)).size).toBe(3);
    expect(provider!.submitted).toHaveLength(3);
    // Idle: scaled in to minBlocks (1); the two other jobs are gone from squeue.
    await waitFor('scale-in to one block', () => (activeJobs(provider!.submitted).length === 1 ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(activeJobs(provider!.submitted)).toHaveLength(1);
    expect(htex.managers.length).toBeLessThanOrEqual(1);
  });

  it('a block cancelled from outside (scancel): its tasks are retried on another block', async () => {
    const marker = join(dir, 'scancel');
    await start({ initBlocks: 2, minBlocks: 2, maxBlocks: 2 }, {}, 2);
    const runs = [0, 1, 2, 3].map((x) => longFirstTry(marker, x, 2500));
    // Wait until both blocks run first tries, then cancel one of them the way an administrator would.
    const { readFileSync, existsSync } = await import('node:fs');
    const victim = await waitFor('tasks to run on both blocks', () => {
      const jobs = [0, 1, 2, 3].filter((x) => existsSync(`${marker}.${x}`)).map((x) => readFileSync(`${marker}.${x}`, 'utf8'));
      return new Set(jobs).size === 2 ? jobs[0] : undefined;
    }, 30_000);
    execFileSync('scancel', [victim!]);
    const results = await Promise.all(runs);
    expect(results.every((job) => job !== victim)).toBe(true);
    const [status] = await provider!.status([victim!]);
    expect(status).toMatchObject({ state: 'cancelled', schedulerState: 'CANCELLED' });
    expect(status!.message).toMatch(/cancelled from outside/);
  });

  it('a block Slurm refuses (bad partition): tasks fail with PARSL_BLOCK_FAILURES quoting sbatch, no hang', async () => {
    const started = Date.now();
    await start({ partition: 'nosuchpartition', initBlocks: 1, maxBlocks: 1 });
    const error = await whereAmI(1, 0).catch((e: unknown) => e) as { code: string; message: string };
    expect(error.code).toBe('PARSL_BLOCK_FAILURES');
    expect(error.message).toContain('sbatch: error: invalid partition specified: nosuchpartition');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a block bigger than the cluster: tasks fail with PARSL_BLOCK_FAILURES quoting sbatch, no hang', async () => {
    const { nodes } = devCluster();
    await start({ nodesPerBlock: nodes + 1, initBlocks: 1, maxBlocks: 1 });
    const error = await whereAmI(1, 0).catch((e: unknown) => e) as { code: string; message: string };
    expect(error.code).toBe('PARSL_BLOCK_FAILURES');
    expect(error.message).toMatch(/sbatch: error: Batch job submission failed/);
  });

  it('cleanup cancels every block after the workflow failed', async () => {
    await start({ initBlocks: 2, minBlocks: 2, maxBlocks: 2 });
    await waitFor('both blocks to run', async () => ((await provider!.status(provider!.submitted)).filter((s) => s.state === 'running').length === 2 ? true : undefined));
    await expect(fails()).rejects.toThrow('the workflow fails');
    expect(activeJobs(provider!.submitted)).toHaveLength(2);
    // afterEach: cleanup() leaves none of them in the queue.
  });

  // Started in beforeAll (test/fixtures/walltimeWorkflow.ts): Slurm needs 60-90 s to end a block at
  // its one-minute walltime, which this way overlaps the tests above.
  it('a block that reaches its walltime: its task is retried on a new block', async () => {
    const outcome = await walltimeOutcome!;
    expect(outcome.stderr).not.toMatch(/Error/);
    expect(outcome.code).toBe(0);
    const { first, result, submitted, status } = JSON.parse(outcome.stdout.trim().split('\n').at(-1)!) as {
      first: string; result: string; submitted: string[]; status: { state: string; schedulerState: string };
    };
    expect(result).not.toBe(first);
    expect(submitted).toEqual([first, result]);
    expect(status).toMatchObject({ state: 'timeout', schedulerState: 'TIMEOUT' });
    expect(activeJobs(submitted)).toEqual([]);
  }, 150_000);
});
