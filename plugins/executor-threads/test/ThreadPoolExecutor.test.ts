/**
 * Behaviour specific to the thread pool (the shared behaviour is in conformance.test.ts):
 * walltime replaces the worker thread, cleanup reaps threads and bash processes, no open handle
 * keeps the process alive (with or without cleanup), memory per task is bounded, priorities.
 *
 * Timing bounds are generous on purpose (a loaded 2-core CI machine); every wait is bounded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AppTimeout, ErrorCodes, TaskCancelled, UsageError, app, bashApp, loadConfig, type Config, type DataFlowKernel,
} from '@parsl-ts/core';
import { captureError, processesMatching, uniqueMarker, waitUntil } from '@parsl-ts/testing';
import { ThreadPoolExecutor, plugin } from '@parsl-ts/executor-threads';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let dir: string;
let dfk: DataFlowKernel | undefined;
/** Unique markers of the bash commands a test started: whatever still matches is killed after it. */
const markers: string[] = [];

function marker(purpose: string): string {
  const m = uniqueMarker(purpose);
  markers.push(m);
  return m;
}

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-ts-threads-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  for (const m of markers.splice(0)) {
    for (const pid of processesMatching(m)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

async function start(executor: ThreadPoolExecutor, extra: Partial<Config> = {}): Promise<DataFlowKernel> {
  dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo'), ...extra });
  return dfk;
}

const double = app((x: number) => x * 2, { name: 'double' });

function busyBody(seconds: number): number {
  const end = Date.now() + seconds * 1000;
  let spins = 0;
  while (Date.now() < end) spins++;
  return spins;
}

/** Waits (polling a file, bounded) until `goFile` exists, then appends `label` to `logFile`. */
async function logWhenGo(goFile: string, logFile: string, label: string, _options?: unknown): Promise<string> {
  const fs = await import('node:fs');
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(goFile)) {
    if (Date.now() > deadline) throw new Error('the go file never appeared');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  fs.appendFileSync(logFile, `${label}\n`);
  return label;
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
  stderr: string;
  /** ms from the line with this `event` until the process exited, by event. */
  exitAfter: Record<string, number>;
  killed: boolean;
}

/** Run `node <args>` in the package folder; kill it (and report `killed`) after `limitMs`. */
function runNode(args: string[], limitMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Record<string, unknown>[] = [];
    const seenAt: Record<string, number> = {};
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      let newline: number;
      while ((newline = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (typeof parsed.event === 'string') seenAt[parsed.event] = Date.now();
        } catch {
          // not ours
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, limitMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const now = Date.now();
      const exitAfter = Object.fromEntries(Object.entries(seenAt).map(([event, at]) => [event, now - at]));
      resolve({ code, signal, lines, stderr, exitAfter, killed });
    });
  });
}

describe('ThreadPoolExecutor', () => {
  it('is a plugin: its manifest creates pools from plain options', () => {
    expect(plugin).toMatchObject({ name: '@parsl-ts/executor-threads', kind: 'executor', maturity: 'experimental' });
    const executor = plugin.factories.ThreadPoolExecutor!({ label: 'x', maxThreads: 3 }) as ThreadPoolExecutor;
    expect(executor).toBeInstanceOf(ThreadPoolExecutor);
    expect(executor.options).toMatchObject({ label: 'x', maxThreads: 3 });
    expect(JSON.parse(JSON.stringify(executor.options))).toEqual(executor.options);
  });

  it('rejects invalid options with a coded error and a hint', () => {
    for (const options of [{ maxThreads: 0 }, { maxThreads: 1.5 }, { prefetch: -1 }, { flushIntervalMs: 0 }]) {
      let error: unknown;
      try { new ThreadPoolExecutor(options); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: ErrorCodes.InvalidConfig, hint: expect.any(String) });
    }
  });

  it('starts maxThreads worker threads', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 3 });
    await start(executor);
    expect(executor.workerCount).toBe(3);
    expect(await double(4)).toBe(8);
  });

  it('walltime terminates the worker thread running the task and replaces it (workerCount back to N)', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 2 });
    const k = await start(executor);
    const busy = app(busyBody, { name: 'busy', walltime: 1 });
    const started = Date.now();
    const error = await captureError(() => busy(60));
    expect(error).toBeInstanceOf(AppTimeout);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Tasks submitted right away go to live threads only, never to the one being terminated.
    const doubles = Array.from({ length: 50 }, (_, i) => double(i));
    expect(await Promise.all(doubles)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    // The terminated thread may still count until its exit event: wait for the replacement itself.
    const logFile = join(k.runDir, 'parsl.log');
    expect(await waitUntil(() => readFileSync(logFile, 'utf8').includes('starting a replacement'), 20_000)).toBe(true);
    expect(await waitUntil(() => executor.workerCount === 2, 20_000)).toBe(true);
    expect(executor.outstanding).toBe(0);
    await k.cleanup();
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('walltime exceeded: terminating worker thread');
    expect(log).toContain('starting a replacement');
  });

  it('tasks prefetched behind a task that hits its walltime are run elsewhere, not lost with the thread', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 1 });
    await start(executor);
    const busy = app(busyBody, { name: 'busy', walltime: 1 });
    const timedOut = busy(60);
    expect(await waitUntil(() => timedOut.state === 'running' || timedOut.done(), 20_000)).toBe(true);
    // Sent to the same (only) thread, behind the busy loop.
    const behind = Array.from({ length: 5 }, (_, i) => double(i));
    await expect(timedOut).rejects.toBeInstanceOf(AppTimeout);
    expect(await Promise.all(behind)).toEqual([0, 2, 4, 6, 8]);
  });

  it('enforces the walltime of a task sent in one batch behind short tasks, and reports the short ones while it runs', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 1 });
    await start(executor);
    const busy = app(busyBody, { name: 'busy', walltime: 1 });
    // Ship both apps first, so that the calls below reach the executor in the same tick (one batch).
    expect(await busy(0)).toBeGreaterThanOrEqual(0);
    expect(await double(0)).toBe(0);
    const started = Date.now();
    const before = Array.from({ length: 5 }, (_, i) => double(i));
    const timedOut = busy(25);
    const outcome = captureError(() => timedOut);
    // The short tasks' results arrive while the long task runs, not after it.
    expect(await Promise.all(before)).toEqual([0, 2, 4, 6, 8]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await outcome).toBeInstanceOf(AppTimeout);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('cleanup() reaps every worker thread and every bash child process', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 2 });
    const k = await start(executor);
    const reap = marker('reap');
    const sleeper = bashApp((m: string) => `(exec -a ${m} sleep 300); echo finished`, { name: 'sleeper' });
    const sleepers = Array.from({ length: 4 }, () => sleeper(reap));
    // Two run (one per thread: a shell and its sleep each), two wait in the queue.
    expect(await waitUntil(() => processesMatching(reap).length >= 4, 20_000)).toBe(true);
    const started = Date.now();
    await k.cleanup();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(executor.workerCount).toBe(0);
    expect(await waitUntil(() => processesMatching(reap).length === 0, 10_000)).toBe(true);
    for (const f of sleepers) await expect(f).rejects.toBeInstanceOf(TaskCancelled);
  });

  it('a process that cleans up exits on its own (no open handles)', async () => {
    const result = await runNode([join(FIXTURES, 'runAndExit.mjs'), join(dir, 'runinfo')], 60_000);
    expect(result.stderr).toBe('');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
    expect(result.lines).toContainEqual({ event: 'tasks-done', sum: 328_350, laters: 10, exits: [0, 0] });
    expect(result.exitAfter['cleanup-done']).toBeLessThan(10_000);
  });

  it('a process that forgets cleanup() still exits once its tasks are done', async () => {
    const result = await runNode([join(FIXTURES, 'runAndExit.mjs'), join(dir, 'runinfo'), '--no-cleanup'], 60_000);
    expect(result.stderr).toBe('');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
    expect(result.lines.some((l) => l.event === 'cleanup-done')).toBe(false);
    expect(result.exitAfter['tasks-done']).toBeLessThan(10_000);
  });

  it('imports by-reference apps from TypeScript modules in the worker threads (node --import tsx)', async () => {
    const { createHash } = await import('node:crypto');
    const expected = ['a', 'b'].map((t) => createHash('sha256').update(`parsl${t}`).digest('hex').slice(0, 12));
    const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'tsflow', 'flow.ts')], {
        cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PARSL_TEST_RUNDIR: join(dir, 'runinfo') },
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
      proc.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      proc.on('error', reject);
      proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toEqual(expected);
  });

  it('100,000 no-op tasks complete with bounded memory (child process, --expose-gc)', async () => {
    const result = await runNode(['--expose-gc', join(FIXTURES, 'memory.mjs'), join(dir, 'runinfo'), '100000', '10000'], 240_000);
    expect(result.killed).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const figures = result.lines.find((l) => 'retainedBytesPerTask' in l) as {
      total: number; resolved: number; checksum: number; expectedChecksum: number; pendingTasks: number;
      retainedBytesPerTask: number; seconds: number; tasksPerSecond: number; peakRssBytes: number;
      heapBeforeBytes: number; heapAfterBytes: number; serializer: string;
    };
    console.log(`executor-threads 100k no-ops: ${JSON.stringify(figures)}`);
    expect(figures.resolved).toBe(100_000);
    expect(figures.checksum).toBe(figures.expectedChecksum);
    expect(figures.pendingTasks).toBe(0);
    expect(figures.retainedBytesPerTask).toBeLessThan(1024);
  }, 300_000);

  it('runs queued tasks lowest priority first (maxThreads 1)', async () => {
    const executor = new ThreadPoolExecutor({ label: 'local', maxThreads: 1, prefetch: 1 });
    const k = await start(executor);
    const go = join(dir, 'go');
    const log = join(dir, 'order.log');
    const step = app(logWhenGo, { name: 'step' });
    // The blocker holds the only thread until every other task is queued in the executor.
    const blocker = step(go, log, 'blocker');
    expect(await waitUntil(() => blocker.state === 'running', 20_000)).toBe(true);
    const priorities = [5, 1, 3, 0, 4, 2];
    const queued = priorities.map((p) => step(go, log, `p${p}`, { priority: p }));
    expect(await waitUntil(() => queued.every((f) => f.state === 'launched'), 20_000)).toBe(true);
    expect(executor.outstanding).toBe(priorities.length + 1);
    writeFileSync(go, '');
    await Promise.all([blocker, ...queued]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['blocker', 'p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(k.pendingTasks).toBe(0);
    expect(existsSync(go)).toBe(true);
  });
});
