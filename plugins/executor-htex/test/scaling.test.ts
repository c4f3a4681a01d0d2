import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';

let dfk: DataFlowKernel | undefined;
let dir = '';
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-htex-scaling-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleepFor = app(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.ppid;
});

describe('HighThroughputExecutor block scaling', () => {
  it('a block drains before its walltime: no task dies with it, and a new block takes over', async () => {
    const provider = new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1, walltime: 9 });
    const htex = new HighThroughputExecutor({ label: 'htex', maxWorkersPerNode: 1, heartbeatPeriod: 0.5, drainMargin: 7, provider });
    dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategy: 'simple', strategyPeriod: 0.3, retries: 0 });
    // The pool drains 2 s after it starts, then exits once its task is done; the block is replaced.
    const servedBy = new Set<number>();
    for (let i = 0; i < 12; i++) servedBy.add(await sleepFor(400));
    expect(servedBy.size).toBeGreaterThanOrEqual(2);
  });

  it('pins each worker to one of availableAccelerators through the environment', async () => {
    const provider = new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 });
    const htex = new HighThroughputExecutor({ label: 'htex', maxWorkersPerNode: 4, availableAccelerators: ['0', '1'], heartbeatPeriod: 0.5, provider });
    dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategyPeriod: 0.3 });
    const seen = app(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return `${process.env.CUDA_VISIBLE_DEVICES}/${process.env.PARSL_WORKER_RANK}`;
    });
    const pins = new Set(await Promise.all(Array.from({ length: 8 }, () => seen())));
    // Two accelerators: two workers (not four), rank 0 on device 0 and rank 1 on device 1.
    expect([...pins].sort()).toEqual(['0/0', '1/1']);
  });

  it('runs no more workers per node than memPerWorker allows', async () => {
    const { totalmem } = await import('node:os');
    const provider = new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 });
    const htex = new HighThroughputExecutor({
      label: 'htex', maxWorkersPerNode: 2, memPerWorker: Math.floor(totalmem() / 1024 / 1024 / 1.5), heartbeatPeriod: 0.5, provider,
    });
    dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategyPeriod: 0.3 });
    await waitFor(() => htex.managers.length === 1, 30_000, 'the worker pool to connect');
    expect(htex.managers[0]!.workers).toBe(1);
  });

  it('scales out to maxBlocks under a burst, back to minBlocks when idle, and leaves no process', async () => {
    const provider = new LocalProvider({ initBlocks: 0, minBlocks: 0, maxBlocks: 3 });
    const htex = new HighThroughputExecutor({ label: 'htex', maxWorkersPerNode: 1, heartbeatPeriod: 0.5, maxIdleTime: 1, provider });
    dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategy: 'simple', strategyPeriod: 0.3 });
    expect(htex.managers).toHaveLength(0);
    const managers = new Set(await Promise.all(Array.from({ length: 18 }, () => sleepFor(700))));
    // Three blocks of one worker each ran the burst.
    expect(managers.size).toBe(3);
    await waitFor(() => htex.managers.length === 0, 30_000, 'idle blocks to be scaled in');
    for (const pid of managers) {
      await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10_000, `worker pool ${pid} to exit`);
    }
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir) && l.includes('worker-pool'));
    expect(left).toEqual([]);
  });
});
