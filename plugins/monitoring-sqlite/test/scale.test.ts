/**
 * 100,000 tasks on executor-threads: every task, transition and try lands in the database, and the
 * throughput with monitoring is compared with the same workflow without it (figures printed and
 * written to test-results/monitoring-throughput.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { app, loadConfig, type Monitoring } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { openReadOnly, rows } from './helpers/database.js';

const TASKS = 100_000;
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'monitoring-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noop = app((i: number) => i, { name: 'noop' });

/** Run TASKS no-op tasks; returns tasks per second (submit to last result) and the cleanup time. */
async function run(monitoring: Monitoring | undefined): Promise<{ runId: string; tasksPerSecond: number; tasksPerSecondToLastRecord: number; cleanupMs: number; cpuSeconds: number }> {
  const dfk = await loadConfig({
    runDir: join(dir, 'runinfo'), executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    ...(monitoring ? { monitoring } : {}),
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const futures = new Array<Promise<number>>(TASKS);
  for (let i = 0; i < TASKS; i++) futures[i] = noop(i);
  const results = await Promise.all(futures);
  const elapsed = performance.now() - started;
  expect(results[TASKS - 1]).toBe(TASKS - 1);
  const cleanupStarted = performance.now();
  const runId = dfk.runId;
  await dfk.cleanup();
  const used = process.cpuUsage(cpu);
  const total = performance.now() - started;
  return {
    runId, tasksPerSecond: TASKS / (elapsed / 1000), tasksPerSecondToLastRecord: TASKS / (total / 1000), cleanupMs: performance.now() - cleanupStarted,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

describe('100,000 tasks', () => {
  it('every task, try and state transition lands; throughput with and without monitoring', async () => {
    await run(undefined); // warm-up: JIT, worker start-up
    const without = await run(undefined);
    const database = join(dir, 'monitoring.db');
    const hub = new MonitoringHub({ database, resourceMonitoringInterval: 1 });
    const withHub = await run(hub);
    const written = hub.stats!.written;

    const db = openReadOnly(database);
    try {
      expect(rows(db, 'SELECT count(*) AS n, min(task_id) AS first, max(task_id) AS last FROM task WHERE run_id = ?', withHub.runId))
        .toEqual([{ n: TASKS, first: 0, last: TASKS - 1 }]);
      expect(rows(db, 'SELECT state, count(*) AS n FROM task WHERE run_id = ? GROUP BY state', withHub.runId)).toEqual([{ state: 'exec_done', n: TASKS }]);
      expect(rows(db, 'SELECT state, count(*) AS n FROM status WHERE run_id = ? GROUP BY state ORDER BY state', withHub.runId)).toEqual(
        ['exec_done', 'launched', 'running', 'unsched'].map((state) => ({ state, n: TASKS })));
      expect(rows(db, 'SELECT count(*) AS n, max(seq) AS last FROM status WHERE run_id = ?', withHub.runId)).toEqual([{ n: 4 * TASKS, last: 4 * TASKS - 1 }]);
      expect(rows(db, 'SELECT count(*) AS n FROM try WHERE run_id = ? AND time_launched IS NOT NULL AND time_started IS NOT NULL AND time_returned IS NOT NULL', withHub.runId))
        .toEqual([{ n: TASKS }]);
      expect(rows(db, 'SELECT status, tasks_completed FROM workflow WHERE run_id = ?', withHub.runId)).toEqual([{ status: 'completed', tasks_completed: TASKS }]);
    } finally {
      db.close();
    }
    const figures = {
      tasks: TASKS, executor: 'executor-threads (2 threads)',
      tasksPerSecondWithout: Math.round(without.tasksPerSecond), tasksPerSecondWith: Math.round(withHub.tasksPerSecond),
      tasksPerSecondWithToLastRecordWritten: Math.round(withHub.tasksPerSecondToLastRecord),
      overheadPercent: Math.round((1 - withHub.tasksPerSecond / without.tasksPerSecond) * 1000) / 10,
      // CPU of the whole process (every thread): independent of what else the machine runs.
      cpuMicrosecondsPerTaskWithout: Math.round(without.cpuSeconds / TASKS * 1e6), cpuMicrosecondsPerTaskWith: Math.round(withHub.cpuSeconds / TASKS * 1e6),
      loadAverage: loadavg()[0],
      recordsWritten: written, cleanupMsWith: Math.round(withHub.cleanupMs), cleanupMsWithout: Math.round(without.cleanupMs),
    };
    console.log('monitoring throughput', figures);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'monitoring-throughput.json'), `${JSON.stringify(figures, null, 2)}\n`);
    // Every record of the DataFlowKernel was written: task + 4 transitions per task, and the workflow's two.
    expect(written).toBeGreaterThanOrEqual(5 * TASKS + 2);
  }, 300_000);
});
