/**
 * Monitoring through the HTEX channel, with real worker pools started by LocalProvider: the mixed
 * workflow recorded exactly (`running` reported by the workers), tries with their host, block,
 * manager and worker-side times, nodes and blocks; resource samples of a task that burns CPU,
 * allocates memory and writes a file; and the records a worker manager sent before it was killed
 * with SIGKILL are all in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, bashApp, loadConfig, type DataFlowKernel, type TaskEvent } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { LocalProvider } from '@parsl-ts/provider-local';
import { waitUntil } from '@parsl-ts/testing';
import { checkRecordedExactly } from './helpers/checkRecorded.js';
import { openReadOnly, rows } from './helpers/database.js';
import { runMixedWorkflow } from './helpers/mixedWorkflow.js';

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-htex-'));
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startHtex(hub: MonitoringHub, retries = 0): Promise<HighThroughputExecutor> {
  const htex = new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 2, heartbeatPeriod: 0.5, heartbeatThreshold: 5,
    provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  });
  dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), retries, strategyPeriod: 0.5, monitoring: hub });
  expect(await waitUntil(() => htex.managers.length === 1, 30_000)).toBe(true);
  return htex;
}

const managerPid = app(() => process.ppid, { name: 'manager_pid' });

describe('monitoring through the HTEX channel', () => {
  it('records the mixed workflow exactly, with the tries\' host, block, manager and worker-side times', async () => {
    const database = join(dir, 'monitoring.db');
    const htex = await startHtex(new MonitoringHub({ database, resourceMonitoringInterval: 0 }));
    const events: TaskEvent[] = [];
    dfk!.onTaskEvent((e) => events.push(e));
    const expected = await runMixedWorkflow(dir, { running: true });
    const runId = dfk!.runId;
    const managerId = htex.managers[0]!.managerId;
    await dfk!.cleanup();
    dfk = undefined;
    checkRecordedExactly(database, runId, expected, events);

    const db = openReadOnly(database);
    try {
      // Every try that ran on a worker reports where and when (the join app itself runs in the workflow).
      const tries = rows<{ task_id: number; host: string; block_id: string; manager_id: string; time_started: number; time_ended: number; time_returned: number; time_launched: number }>(db,
        "SELECT try.* FROM try JOIN task USING (run_id, task_id) WHERE run_id = ? AND task.app_kind != 'join'", runId);
      expect(tries.length).toBe([...expected.values()].filter((t) => t.kind !== 'join').reduce((n, t) => n + t.tryErrors.length, 0));
      for (const t of tries) {
        expect(t).toMatchObject({ host: hostname(), block_id: '0', manager_id: managerId });
        expect(t.time_started).toBeGreaterThanOrEqual(t.time_launched);
        expect(t.time_ended).toBeGreaterThanOrEqual(t.time_started);
        expect(t.time_returned).toBeGreaterThanOrEqual(t.time_ended);
      }
      // The manager connected, and went away when the run ended; its block was submitted.
      expect(rows(db, 'SELECT manager_id, block_id, hostname, workers, active FROM node WHERE run_id = ? ORDER BY id', runId)).toEqual([
        { manager_id: managerId, block_id: '0', hostname: hostname(), workers: 2, active: 1 },
        { manager_id: managerId, block_id: '0', hostname: hostname(), workers: 2, active: 0 },
      ]);
      expect(rows<{ state: string }>(db, "SELECT state FROM block WHERE run_id = ? AND block_id = '0' ORDER BY id", runId)[0]).toEqual({ state: 'pending' });
      // Resource monitoring was off: no samples.
      expect(rows(db, 'SELECT count(*) AS n FROM resource WHERE run_id = ?', runId)).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
  });

  it('samples the resources of a task that burns CPU, allocates memory and writes a file', async () => {
    const database = join(dir, 'monitoring.db');
    await startHtex(new MonitoringHub({ database, resourceMonitoringInterval: 0.2 }));
    const burn = app((seconds: number, megabytes: number) => {
      const hold = Buffer.alloc(megabytes * 1024 * 1024, 1); // touched: resident
      const until = Date.now() + seconds * 1000;
      let x = 0;
      for (let i = 0; Date.now() < until; i++) x += Math.sqrt(i + hold[i % hold.length]!);
      return x > 0 ? hold.length : 0;
    }, { name: 'burn' });
    const write = bashApp((path: string) => `head -c 20000000 /dev/zero > ${path} && sync ${path}`, { name: 'write' });
    const small = app(() => 1, { name: 'small' });
    const burned = burn(1.5, 200);
    const wrote = write(join(process.cwd(), `.monitoring-write-test-${process.pid}`));
    const quick = small();
    expect(await burned).toBe(200 * 1024 * 1024);
    await wrote;
    await quick;
    rmSync(join(process.cwd(), `.monitoring-write-test-${process.pid}`), { force: true });
    const runId = dfk!.runId;
    await dfk!.cleanup();
    dfk = undefined;

    const db = openReadOnly(database);
    try {
      const samples = (tid: number) => rows<{ time: number; pid: number; cpu_user_seconds: number; cpu_system_seconds: number; rss_bytes: number; read_bytes: number; write_bytes: number }>(db,
        'SELECT * FROM resource WHERE run_id = ? AND task_id = ? AND try_id = 0 ORDER BY id', runId, tid);
      const cpu = samples(burned.tid);
      // 1.5 s at one sample every 0.2 s, and the last taken when it ended.
      expect(cpu.length).toBeGreaterThanOrEqual(4);
      const last = cpu.at(-1)!;
      // It got a fair share of a core (the machine may be busy), and no more CPU than the try's
      // wall time allows (one thread, plus a little for the GC): the figures are this try's alone.
      const [tryRow] = rows<{ time_started: number; time_ended: number }>(db, 'SELECT * FROM try WHERE run_id = ? AND task_id = ?', runId, burned.tid);
      const cpuSeconds = last.cpu_user_seconds + last.cpu_system_seconds;
      expect(cpuSeconds).toBeGreaterThan(0.3);
      expect(cpuSeconds).toBeLessThan((tryRow!.time_ended - tryRow!.time_started) / 1000 * 1.5 + 0.1);
      expect(Math.max(...cpu.map((s) => s.rss_bytes))).toBeGreaterThan(200 * 1024 * 1024);
      for (let i = 1; i < cpu.length; i++) expect(cpu[i]!.cpu_user_seconds).toBeGreaterThanOrEqual(cpu[i - 1]!.cpu_user_seconds);
      expect(last.time).toBe(tryRow!.time_ended);
      // The bash command's writes count for its try: its process was a child of the worker.
      const io = samples(wrote.tid);
      expect(io.at(-1)!.write_bytes).toBeGreaterThanOrEqual(19_000_000);
      // Even a task far shorter than the interval has its sample, with next to no CPU.
      const tiny = samples(quick.tid);
      expect(tiny).toHaveLength(1);
      expect(tiny[0]!.cpu_user_seconds).toBeLessThan(0.5);
      // The workflow process itself is sampled too (no task).
      expect(rows<{ n: number }>(db, 'SELECT count(*) AS n FROM resource WHERE run_id = ? AND task_id IS NULL', runId)[0]!.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('keeps every record a worker manager sent before it was killed with SIGKILL', async () => {
    const database = join(dir, 'monitoring.db');
    const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0.1 });
    const htex = await startHtex(hub);
    const victim = await managerPid();
    const managerId = htex.managers[0]!.managerId;
    const spin = app((seconds: number) => {
      const until = Date.now() + seconds * 1000;
      let x = 0;
      while (Date.now() < until) x++;
      return x;
    }, { name: 'spin' });
    const doomed = spin(30);
    const runId = dfk!.runId;
    const sampleCount = (): number => {
      const db = openReadOnly(database);
      try {
        return rows<{ n: number }>(db, 'SELECT count(*) AS n FROM resource WHERE run_id = ? AND task_id = ?', runId, doomed.tid)[0]!.n;
      } finally {
        db.close();
      }
    };
    expect(await waitUntil(async () => {
      await hub.flush();
      return sampleCount() >= 5;
    }, 30_000, 100)).toBe(true);
    const seenBeforeKill = sampleCount();
    process.kill(victim, 'SIGKILL');
    const killedAt = Date.now();
    const error = await doomed.then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARSL_MANAGER_LOST' });
    await dfk!.cleanup();
    dfk = undefined;

    const db = openReadOnly(database);
    try {
      const samples = rows<{ time: number; cpu_user_seconds: number }>(db, 'SELECT time, cpu_user_seconds FROM resource WHERE run_id = ? AND task_id = ? ORDER BY id', runId, doomed.tid);
      // Everything seen before the kill is there, and the samples kept coming up to the kill:
      // the last one is at most a few intervals older than the kill.
      expect(samples.length).toBeGreaterThanOrEqual(seenBeforeKill);
      expect(killedAt - samples.at(-1)!.time).toBeLessThan(1000);
      const [tryRow] = rows<{ host: string; manager_id: string; time_started: number; time_ended: number | null; error: string }>(db,
        'SELECT host, manager_id, time_started, time_ended, error FROM try WHERE run_id = ? AND task_id = ?', runId, doomed.tid);
      expect(tryRow).toMatchObject({ host: hostname(), manager_id: managerId, time_ended: null });
      expect(tryRow!.error).toMatch(/^ManagerLost/);
      expect(rows(db, 'SELECT state FROM status WHERE run_id = ? AND task_id = ? ORDER BY seq', runId, doomed.tid).map((r) => (r as { state: string }).state))
        .toEqual(['unsched', 'launched', 'running', 'failed']);
      expect(rows(db, 'SELECT active FROM node WHERE run_id = ? AND manager_id = ? ORDER BY id', runId, managerId)).toEqual([{ active: 1 }, { active: 0 }]);
    } finally {
      db.close();
    }
  });
});
