/**
 * Real monitoring databases for the dashboard's tests: workflows run by a real DataFlowKernel
 * with the real MonitoringHub of @parsl-ts/monitoring-sqlite, so the dashboard reads exactly
 * what users' runs write. The expected figures come from the futures' outcomes, not from the
 * database, so they check the whole path.
 */
import { join } from 'node:path';
import { app, bashApp, DependencyError, loadConfig, type AppFuture } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { LocalProvider } from '@parsl-ts/provider-local';

const simulate = app(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}, { name: 'simulate' });
/** Fails its first try (leaving a marker file), succeeds the second. */
const flaky = app(async (marker: string) => {
  const fs = await import('node:fs');
  if (!fs.existsSync(marker)) {
    fs.writeFileSync(marker, 'tried');
    throw new Error('transient failure, retry me');
  }
  return 'ok on retry';
}, { name: 'flaky', retries: 1 });
const broken = app((input: number) => {
  throw new RangeError(`input ${input} is out of range`);
}, { name: 'broken', retries: 1 });
const postprocess = app((value: unknown) => value, { name: 'postprocess' });
const echo = bashApp((word: string) => `echo ${word}; echo "note about ${word}" >&2`, { name: 'echo' });
const exit3 = bashApp((code: number) => `echo failing on purpose >&2; exit ${code}`, { name: 'exit3', retries: 0 });

/** What a recorded run must show. */
export interface ExpectedRun {
  readonly runId: string;
  readonly name: string;
  readonly total: number;
  readonly byState: Readonly<Record<string, number>>;
  /** Tasks whose final state is failed or dep_fail. */
  readonly failedIds: readonly number[];
  /** Tasks that needed more than one try. */
  readonly retriedIds: readonly number[];
  /** Tries started in all. */
  readonly tries: number;
  /** A bash task with stdout/stderr files. */
  readonly bashTask: { readonly taskId: number; readonly stdout: string; readonly stderr: string };
  /** A task that failed every try, with its error text. */
  readonly brokenTask: { readonly taskId: number; readonly error: string };
  /** Task id → app name. */
  readonly apps: ReadonlyMap<number, string>;
}

function outcomeCounts(futures: readonly AppFuture<unknown>[], settled: PromiseSettledResult<unknown>[]): Record<string, number> {
  const byState: Record<string, number> = {};
  settled.forEach((s, i) => {
    const state = s.status === 'fulfilled' ? 'exec_done' : s.reason instanceof DependencyError ? 'dep_fail' : 'failed';
    // The future's own state must agree with the outcome (a sanity check of the oracle).
    if (futures[i]!.state !== state) throw new Error(`task ${futures[i]!.tid}: future state ${futures[i]!.state}, outcome ${state}`);
    byState[state] = (byState[state] ?? 0) + 1;
  });
  return byState;
}

/**
 * A workflow of mixed apps on the thread pool: 40 successes of varied length, 6 tasks that fail
 * once and succeed on retry, 3 that fail both tries, 3 dependency failures, 5 bash apps writing
 * stdout/stderr files and 2 bash apps that exit 3.
 */
export async function recordMixedRun(database: string, workDir: string): Promise<ExpectedRun> {
  const name = 'mixed-apps';
  const dfk = await loadConfig({
    name, runDir: join(workDir, 'runinfo'), retries: 0,
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 4 })],
    monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 0 }),
  });
  try {
    const futures: AppFuture<unknown>[] = [];
    const apps = new Map<number, string>();
    const add = <T>(future: AppFuture<T>, appName: string): AppFuture<T> => {
      futures.push(future as AppFuture<unknown>);
      apps.set(future.tid, appName);
      return future;
    };
    for (let i = 0; i < 40; i++) add(simulate(20 + ((i * 37) % 9) * 15), 'simulate');
    const flakyFutures = Array.from({ length: 6 }, (_, i) => add(flaky(join(workDir, `flaky-${i}.marker`)), 'flaky'));
    const brokenFutures = Array.from({ length: 3 }, (_, i) => add(broken(100 + i), 'broken'));
    for (const b of brokenFutures) add(postprocess(b), 'postprocess');
    const bashFutures = Array.from({ length: 5 }, (_, i) => add(echo(`word${i}`, { stdout: join(workDir, `echo-${i}.out`), stderr: join(workDir, `echo-${i}.err`) }), 'echo'));
    for (let i = 0; i < 2; i++) add(exit3(3, { stderr: join(workDir, `exit3-${i}.err`) }), 'exit3');
    const settled = await Promise.allSettled(futures);
    const byState = outcomeCounts(futures, settled);
    return {
      runId: dfk.runId, name, total: futures.length, byState,
      failedIds: futures.filter((f) => f.state === 'failed' || f.state === 'dep_fail').map((f) => f.tid),
      retriedIds: [...flakyFutures, ...brokenFutures].map((f) => f.tid),
      tries: 40 + 6 * 2 + 3 * 2 + 5 + 2,
      bashTask: { taskId: bashFutures[2]!.tid, stdout: join(workDir, 'echo-2.out'), stderr: join(workDir, 'echo-2.err') },
      brokenTask: { taskId: brokenFutures[0]!.tid, error: 'RangeError: input 100 is out of range' },
      apps,
    };
  } finally {
    await dfk.cleanup();
  }
}

const nap = app(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.pid;
}, { name: 'nap' });
const burn = app((ms: number) => {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x > 0;
}, { name: 'burn' });

/** A run on the HighThroughputExecutor with two LocalProvider blocks of two workers each. */
export async function recordHtexRun(database: string, workDir: string): Promise<ExpectedRun & { readonly blocks: number }> {
  const name = 'htex-two-blocks';
  const htex = new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 2,
    provider: new LocalProvider({ initBlocks: 2, minBlocks: 2, maxBlocks: 2 }),
  });
  const dfk = await loadConfig({
    name, runDir: join(workDir, 'runinfo'), retries: 0, strategyPeriod: 0.5,
    executors: [htex],
    monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 0.2 }),
  });
  try {
    // Generous: on a loaded 2-core CI machine starting two worker pools can take a while.
    const deadline = Date.now() + 90_000;
    while (htex.managers.length < 2) {
      if (Date.now() > deadline) throw new Error(`the two HTEX blocks did not connect within 90 s (${htex.managers.length} did)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const futures: AppFuture<unknown>[] = [];
    const apps = new Map<number, string>();
    for (let i = 0; i < 16; i++) {
      const f = nap(150 + (i % 4) * 50);
      futures.push(f);
      apps.set(f.tid, 'nap');
    }
    for (let i = 0; i < 2; i++) {
      const f = burn(700);
      futures.push(f);
      apps.set(f.tid, 'burn');
    }
    const settled = await Promise.allSettled(futures);
    const byState = outcomeCounts(futures, settled);
    return {
      runId: dfk.runId, name, total: futures.length, byState, failedIds: [], retriedIds: [], tries: futures.length,
      bashTask: { taskId: -1, stdout: '', stderr: '' }, brokenTask: { taskId: -1, error: '' }, apps, blocks: 2,
    };
  } finally {
    await dfk.cleanup();
  }
}
