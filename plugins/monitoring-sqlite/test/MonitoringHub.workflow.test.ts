/**
 * A workflow of mixed apps is recorded exactly: every task, every try, every state transition in
 * the order the DataFlowKernel made them (compared with its own task events), checked with SQL.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type DataFlowKernel, type TaskEvent } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { checkRecordedExactly, type TaskRow } from './helpers/checkRecorded.js';
import { openReadOnly, rows } from './helpers/database.js';
import { runMixedWorkflow } from './helpers/mixedWorkflow.js';

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-workflow-'));
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('MonitoringHub records a mixed workflow exactly', () => {
  it('on executor-threads: every task, try and state transition, in order', async () => {
    const database = join(dir, 'monitoring.db');
    dfk = await loadConfig({
      runDir: join(dir, 'runinfo'), executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
      monitoring: new MonitoringHub({ database }),
    });
    const events: TaskEvent[] = [];
    dfk.onTaskEvent((e) => events.push(e));
    const expected = await runMixedWorkflow(dir, { running: true });
    const runId = dfk.runId;
    await dfk.cleanup();
    dfk = undefined;
    checkRecordedExactly(database, runId, expected, events);
    const db = openReadOnly(database);
    const [echo] = rows<TaskRow>(db, "SELECT * FROM task WHERE app_name = 'echo'");
    expect(echo!.stdout).toBe(join(dir, 'echo.out'));
    db.close();
  });

  it('keeps every run of a shared database apart', async () => {
    const database = join(dir, 'shared.db');
    const runIds: string[] = [];
    for (let run = 0; run < 2; run++) {
      dfk = await loadConfig({ runDir: join(dir, 'runinfo'), executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 1 })], monitoring: new MonitoringHub({ database }) });
      const events: TaskEvent[] = [];
      dfk.onTaskEvent((e) => events.push(e));
      mkdirSync(join(dir, `run${run}`));
      const expected = await runMixedWorkflow(join(dir, `run${run}`), { running: true });
      runIds.push(dfk.runId);
      await dfk.cleanup();
      dfk = undefined;
      checkRecordedExactly(database, runIds[run]!, expected, events);
    }
    const db = openReadOnly(database);
    expect(rows<{ run_dir: string }>(db, 'SELECT run_dir FROM workflow ORDER BY time_began').map((w) => w.run_dir))
      .toEqual([join(dir, 'runinfo', '000'), join(dir, 'runinfo', '001')]);
    db.close();
  });
});
