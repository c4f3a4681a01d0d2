/**
 * The writer takes records in any order and any number of times (radios resend; different radios
 * race): states settle on the highest seq, duplicates are dropped, a try is created only by a
 * launch or a start, and `flush()` makes everything sent so far readable during a run.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MonitoringRadio, MonitoringRecord } from '@parsl-ts/core';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { captureError, waitUntil } from '@parsl-ts/testing';
import { openReadOnly, rows } from './helpers/database.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runId = 'run-w';
const state = (taskId: number, seq: number, s: string, tryId = 0, extra: Partial<MonitoringRecord> = {}): MonitoringRecord =>
  ({ kind: 'task_state', runId, time: 1000 + seq, taskId, tryId, state: s, executor: 'x', seq, ...extra }) as MonitoringRecord;
const task = (taskId: number): MonitoringRecord =>
  ({ kind: 'task', runId, time: 900, taskId, appName: 'app', executor: 'x', dependencies: [], cache: false, fnHash: '', appKind: 'function' });

async function withHub(fn: (radio: MonitoringRadio, hub: MonitoringHub) => Promise<void> | void): Promise<string> {
  const database = join(dir, 'm.db');
  const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0 });
  const radio = await hub.start({ runId, runDir: join(dir, 'run') });
  await fn(radio, hub);
  await hub.stop();
  return database;
}

describe('the database writer', () => {
  it('settles each task on its highest seq, whatever order and however often records arrive', async () => {
    const database = await withHub(async (radio, hub) => {
      // task 1: states before the task record, newest first, each twice
      for (const r of [state(1, 7, 'exec_done'), state(1, 5, 'running'), state(1, 7, 'exec_done'), state(1, 3, 'launched'), state(1, 0, 'unsched'), task(1), state(1, 5, 'running')]) radio.send(r);
      await hub.flush();
      // task 2: in order, split over two flushes
      for (const r of [task(2), state(2, 1, 'unsched'), state(2, 2, 'launched', 0, { fnHash: 'f'.repeat(64) })]) radio.send(r);
      await hub.flush();
      for (const r of [state(2, 4, 'failed', 0, { error: 'Error: boom' }), state(2, 6, 'pending', 1), state(2, 8, 'launched', 1), state(2, 9, 'running', 1), state(2, 10, 'exec_done', 1)]) radio.send(r);
      // task 3: cancelled before launch (failed without a try)
      for (const r of [task(3), state(3, 11, 'unsched'), state(3, 12, 'failed', 0, { error: 'TaskCancelled: cleanup' })]) radio.send(r);
    });
    const db = openReadOnly(database);
    try {
      expect(rows(db, 'SELECT task_id, seq, state FROM status ORDER BY seq')).toEqual([
        [1, 0, 'unsched'], [2, 1, 'unsched'], [2, 2, 'launched'], [1, 3, 'launched'], [2, 4, 'failed'], [1, 5, 'running'], [2, 6, 'pending'],
        [1, 7, 'exec_done'], [2, 8, 'launched'], [2, 9, 'running'], [2, 10, 'exec_done'], [3, 11, 'unsched'], [3, 12, 'failed'],
      ].map(([task_id, seq, s]) => ({ task_id, seq, state: s })));
      expect(rows(db, 'SELECT task_id, app_name, state, state_seq, time_completed, tries, error, fn_hash FROM task ORDER BY task_id')).toEqual([
        { task_id: 1, app_name: 'app', state: 'exec_done', state_seq: 7, time_completed: 1007, tries: 1, error: null, fn_hash: null },
        { task_id: 2, app_name: 'app', state: 'exec_done', state_seq: 10, time_completed: 1010, tries: 2, error: null, fn_hash: 'f'.repeat(64) },
        { task_id: 3, app_name: 'app', state: 'failed', state_seq: 12, time_completed: 1012, tries: 0, error: 'TaskCancelled: cleanup', fn_hash: null },
      ]);
      expect(rows(db, 'SELECT task_id, try_id, time_launched, time_started, time_returned, error FROM try ORDER BY task_id, try_id')).toEqual([
        { task_id: 1, try_id: 0, time_launched: 1003, time_started: 1005, time_returned: 1007, error: null },
        { task_id: 2, try_id: 0, time_launched: 1002, time_started: null, time_returned: 1004, error: 'Error: boom' },
        { task_id: 2, try_id: 1, time_launched: 1008, time_started: 1009, time_returned: 1010, error: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps the first time a try started: the worker\'s report wins over the later notice', async () => {
    const database = await withHub((radio) => {
      radio.send(task(1));
      radio.send(state(1, 0, 'unsched'));
      radio.send(state(1, 1, 'launched'));
      radio.send({ kind: 'try', runId, time: 1001, taskId: 1, tryId: 0, executor: 'x', started: 1001, host: 'node7', blockId: '2', managerId: 'm1' });
      radio.send(state(1, 2, 'running'));
      radio.send({ kind: 'try', runId, time: 1003, taskId: 1, tryId: 0, executor: 'x', ended: 1003 });
      radio.send(state(1, 3, 'exec_done'));
    });
    const db = openReadOnly(database);
    expect(rows(db, 'SELECT time_launched, time_started, time_ended, time_returned, host, block_id, manager_id FROM try')).toEqual([
      { time_launched: 1001, time_started: 1001, time_ended: 1003, time_returned: 1003, host: 'node7', block_id: '2', manager_id: 'm1' },
    ]);
    db.close();
  });

  it('makes everything sent so far readable with flush(), while the run goes on', async () => {
    await withHub(async (radio, hub) => {
      radio.send({ kind: 'workflow_start', runId, time: 1, name: 'w', user: 'u', host: 'h', runDir: 'r', coreVersion: '0.1.0', config: {} });
      for (let i = 0; i < 100; i++) {
        radio.send(task(i));
        radio.send(state(i, 2 * i, 'unsched'));
        radio.send(state(i, 2 * i + 1, 'launched'));
      }
      await hub.flush();
      const db = openReadOnly(hub.databasePath!);
      expect(rows(db, 'SELECT state, count(*) AS n FROM task GROUP BY state')).toEqual([{ state: 'launched', n: 100 }]);
      expect(rows(db, 'SELECT status FROM workflow')).toEqual([{ status: 'running' }]);
      db.close();
    });
  });

  it('keeps and retries what it could not write while another process held the database locked', async () => {
    const database = join(dir, 'locked.db');
    const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0, busyTimeout: 0.2 });
    const radio = await hub.start({ runId, runDir: join(dir, 'run') });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }): void => { if (w.code === 'PARSL_MONITORING_WRITER') warnings.push(w.message); };
    process.on('warning', onWarning);
    const locker = new Database(database);
    try {
      locker.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 50; i++) {
        radio.send(task(i));
        radio.send(state(i, i, 'unsched'));
      }
      expect(await waitUntil(() => warnings.length > 0, 10_000)).toBe(true);
      expect(warnings[0]).toMatch(/\[PARSL_MONITORING_WRITER\] writing 100 monitoring records .* failed: database is locked/);
      locker.exec('COMMIT');
      await hub.stop();
    } finally {
      process.off('warning', onWarning);
      locker.close();
    }
    const db = openReadOnly(database);
    expect(rows(db, 'SELECT count(*) AS n FROM task')).toEqual([{ n: 50 }]);
    expect(rows(db, 'SELECT count(*) AS n FROM status')).toEqual([{ n: 50 }]);
    db.close();
  });

  it('stop() rejects with PARSL_MONITORING_WRITER, naming what was lost, when the lock outlasts the run', async () => {
    const database = join(dir, 'held.db');
    const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0, busyTimeout: 0.2 });
    const radio = await hub.start({ runId, runDir: join(dir, 'run') });
    const locker = new Database(database);
    try {
      locker.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 10; i++) radio.send(state(i, i, 'unsched'));
      const error = await captureError(() => hub.stop());
      expect(error).toMatchObject({ code: 'PARSL_MONITORING_WRITER' });
      expect((error as Error).message).toMatch(/^10 monitoring records or row changes could not be written .*database is locked/);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
  });
});
