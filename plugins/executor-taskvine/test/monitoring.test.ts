/**
 * Monitoring of a TaskVine run into a real MonitoringHub (SQLite): every task's states in order
 * (running included, from the manager's transactions log), every try with where and when it ran,
 * the worker as a node that came and went, the block.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, bashApp, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { LocalProvider } from '@parsl-ts/provider-local';
import { captureError } from '@parsl-ts/testing';

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-monitoring-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const square = app((x: number) => x * x, { name: 'square' });
const fail = app((message: string) => { throw new Error(message); }, { name: 'fail' });
const shout = bashApp((word: string) => `echo ${word}`, { name: 'shout' });
const burn = app((ms: number) => {
  const end = Date.now() + ms;
  let spins = 0;
  while (Date.now() < end) spins++;
  return spins > 0;
}, { name: 'burn' });

describe('monitoring of the TaskVine executor', () => {
  it('records tasks, tries (host, worker, times), the worker as a node and the block', async () => {
    const database = join(dir, 'monitoring.db');
    const executor = new TaskVineExecutor({
      label: 'vine', backend: 'workqueue', workerCores: 2, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
    });
    dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo'), monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 0 }) });
    const runId = dfk.runId;
    expect(await Promise.all([1, 2, 3, 4].map((x) => square(x)))).toEqual([1, 4, 9, 16]);
    expect(await shout('hello', { stdout: join(dir, 'shout.out') })).toBe(0);
    expect(((await captureError(() => fail('on purpose'))) as Error).message).toBe('on purpose');
    await dfk.cleanup();
    dfk = undefined;

    const db = new Database(database, { readonly: true });
    try {
      const tasks = db.prepare('SELECT task_id, app_name, state FROM task WHERE run_id = ? ORDER BY task_id').all(runId) as { task_id: number; app_name: string; state: string }[];
      expect(tasks.map((t) => [t.app_name, t.state])).toEqual([
        ['square', 'exec_done'], ['square', 'exec_done'], ['square', 'exec_done'], ['square', 'exec_done'], ['shout', 'exec_done'], ['fail', 'failed'],
      ]);
      for (const t of tasks) {
        const states = (db.prepare('SELECT state FROM status WHERE run_id = ? AND task_id = ? ORDER BY seq').all(runId, t.task_id) as { state: string }[]).map((s) => s.state);
        expect(states.join(',')).toBe(`unsched,launched,running,${t.state}`);
      }
      const tries = db.prepare('SELECT * FROM try WHERE run_id = ? ORDER BY task_id').all(runId) as {
        task_id: number; executor: string; host: string; manager_id: string; error: string | null;
        time_launched: number; time_started: number; time_ended: number; time_returned: number;
      }[];
      expect(tries).toHaveLength(6);
      const nodes = db.prepare('SELECT manager_id, hostname, workers, active FROM node WHERE run_id = ? ORDER BY id').all(runId) as { manager_id: string; hostname: string; workers: number; active: number }[];
      // The block's worker joined with its two cores, and was recorded gone when the run ended.
      expect(nodes).toHaveLength(2);
      expect(nodes[0]).toMatchObject({ hostname: '127.0.0.1', workers: 2, active: 1 });
      expect(nodes[1]).toMatchObject({ manager_id: nodes[0]!.manager_id, active: 0 });
      expect(nodes[0]!.manager_id).toMatch(/^worker-/);
      for (const t of tries) {
        expect(t).toMatchObject({ executor: 'vine', host: hostname(), manager_id: nodes[0]!.manager_id });
        expect(t.time_started).toBeGreaterThanOrEqual(t.time_launched);
        expect(t.time_ended).toBeGreaterThanOrEqual(t.time_started);
        expect(t.time_returned).toBeGreaterThanOrEqual(t.time_ended);
      }
      expect(tries[5]!.error).toContain('on purpose');
      expect(tries.slice(0, 5).every((t) => t.error === null)).toBe(true);
      const blocks = db.prepare("SELECT block_id, state FROM block WHERE run_id = ? AND executor = 'vine' ORDER BY id").all(runId) as { block_id: string; state: string }[];
      expect(blocks[0]).toEqual({ block_id: '0', state: 'pending' });
      // Resource monitoring was off: no samples.
      expect(db.prepare('SELECT count(*) AS n FROM resource WHERE run_id = ?').get(runId)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('with resource monitoring, each JavaScript try has the CPU, memory and I/O its process used', async () => {
    const database = join(dir, 'monitoring.db');
    const executor = new TaskVineExecutor({
      label: 'vine', backend: 'workqueue', workerCores: 1, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
    });
    dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo'), monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 1 }) });
    const runId = dfk.runId;
    const busy = burn(400);
    expect(await busy).toBe(true);
    expect(await square(3)).toBe(9);
    await dfk.cleanup();
    dfk = undefined;
    const db = new Database(database, { readonly: true });
    try {
      const samples = db.prepare('SELECT task_id, try_id, pid, cpu_user_seconds, cpu_system_seconds, rss_bytes FROM resource WHERE run_id = ? AND task_id IS NOT NULL ORDER BY task_id').all(runId) as
        { task_id: number; try_id: number; pid: number; cpu_user_seconds: number; cpu_system_seconds: number; rss_bytes: number }[];
      expect(samples.map((r) => r.task_id)).toEqual([busy.tid, busy.tid + 1]);
      expect(samples[0]!.cpu_user_seconds + samples[0]!.cpu_system_seconds).toBeGreaterThanOrEqual(0.2);
      expect(samples[0]!.pid).not.toBe(process.pid);
      expect(samples[0]!.rss_bytes).toBeGreaterThan(10_000_000);
      expect(samples[1]!.cpu_user_seconds).toBeLessThan(samples[0]!.cpu_user_seconds);
    } finally {
      db.close();
    }
  });
});
