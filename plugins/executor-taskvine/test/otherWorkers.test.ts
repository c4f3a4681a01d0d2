/**
 * Workers not started by a block: from the cctools factory, and by hand with the run's password.
 * Their tasks run the shipped runner with Node.js (no runner pool next to them): results, a
 * process that exits, a walltime, and a worker without the password refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, AppTimeout, loadConfig, WorkerLost, type DataFlowKernel } from '@parsl-ts/core';
import { TaskVineExecutor, type TaskVineExecutorOptions } from '@parsl-ts/executor-taskvine';
import { captureError, processesMatching, waitUntil } from '@parsl-ts/testing';

let dir: string;
let dfk: DataFlowKernel | undefined;
const workers: ChildProcess[] = [];

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-workers-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  for (const worker of workers.splice(0)) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: TaskVineExecutorOptions = {}): Promise<TaskVineExecutor> {
  const executor = new TaskVineExecutor({ label: 'vine', backend: 'workqueue', ...options });
  dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo') });
  return executor;
}

/** A work_queue_worker started by hand toward the executor's manager; its output is collected. */
function startWorker(executor: TaskVineExecutor, password: string | undefined): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('work_queue_worker', [
    '--cores', '1', '-t', '30', '--single-shot', ...(password ? ['--password', password] : []), '127.0.0.1', String(executor.managerPort),
  ], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  workers.push(child);
  return { child, output: () => output };
}

const plusOne = app((x: number) => x + 1, { name: 'plusOne' });
const exitNow = app((code: number) => process.exit(code), { name: 'exitNow' });
const spin = app((seconds: number) => {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) { /* busy */ }
  return 'done';
}, { name: 'spin', walltime: 1 });

describe('workers not started by a block', () => {
  it('the cctools factory (work_queue_factory -T local) starts workers with the password; tasks run through the shipped runner; the factory stops with the run', async () => {
    const executor = await start({ factory: { batchType: 'local', minWorkers: 1, maxWorkers: 1, workerCores: 1 } });
    expect(await Promise.all([1, 2, 3].map((x) => plusOne(x)))).toEqual([2, 3, 4]);
    expect(executor.connectedWorkers).toBe(1);
    const executorDir = join(dfk!.runDir, 'vine');
    expect(existsSync(join(executorDir, 'factory.log'))).toBe(true);
    // The factory and the worker it started run with this run's scratch folder on their command line.
    expect(processesMatching(join(executorDir, 'factory')).length).toBeGreaterThan(0);
    await dfk!.cleanup();
    dfk = undefined;
    expect(await waitUntil(() => processesMatching(join(executorDir, 'factory')).length === 0, 10_000)).toBe(true);
  });

  it('a worker started by hand with the run\'s password: process.exit fails the task with WorkerLost, a walltime with AppTimeout, and it keeps working', async () => {
    const executor = await start();
    startWorker(executor, executor.managerPasswordFile);
    expect(await waitUntil(() => executor.connectedWorkers === 1, 20_000)).toBe(true);
    const lost = await captureError(() => exitNow(3)) as WorkerLost;
    expect(lost).toBeInstanceOf(WorkerLost);
    expect(lost.message).toContain('exited with code 3 before writing its result');
    const started = Date.now();
    const timedOut = await captureError(() => spin(30));
    expect(timedOut).toBeInstanceOf(AppTimeout);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await plusOne(41)).toBe(42);
  });

  it('a worker without the password is refused', async () => {
    const executor = await start();
    const wrong = join(dir, 'wrong.password');
    writeFileSync(wrong, 'not the secret\n');
    const worker = startWorker(executor, wrong);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(executor.connectedWorkers).toBe(0);
    expect(worker.output()).toMatch(/authenticat|password/i);
  });
});
