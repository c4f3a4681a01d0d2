import { expect } from 'vitest';
import type { TaskEvent } from '@parsl-ts/core';
import { openReadOnly, rows } from './database.js';
import type { ExpectedTask } from './mixedWorkflow.js';

/** A row of `status`. */
export interface StatusRow { seq: number; task_id: number; try_id: number; state: string; time: number; error: string | null }
/** A row of `task`. */
export interface TaskRow { task_id: number; app_name: string; app_kind: string; state: string; tries: number; dependencies: string; error: string | null; stdout: string | null; time_submitted: number; time_completed: number | null; fn_hash: string | null }
/** A row of `try`. */
export interface TryRow { task_id: number; try_id: number; time_launched: number | null; time_started: number | null; time_returned: number | null; error: string | null }

/** Check the database against the expected tasks and the DataFlowKernel's own events. */
export function checkRecordedExactly(database: string, runId: string, expected: Map<number, ExpectedTask>, events: readonly TaskEvent[]): void {
  const db = openReadOnly(database);
  try {
    const status = rows<StatusRow>(db, 'SELECT seq, task_id, try_id, state, time, error FROM status WHERE run_id = ? ORDER BY seq', runId);
    // seq numbers every transition exactly once, from 0, with no gap.
    expect(status.map((s) => s.seq)).toEqual(status.map((_, i) => i));
    // Every event the DataFlowKernel emitted, in its order (the unsched rows are the tasks' starts).
    expect(status.filter((s) => s.state !== 'unsched').map((s) => [s.task_id, s.state, s.try_id]))
      .toEqual(events.map((e) => [e.taskId, e.to, e.tryNumber]));
    // Times never go backwards along seq.
    for (let i = 1; i < status.length; i++) expect(status[i]!.time).toBeGreaterThanOrEqual(status[i - 1]!.time);

    const tasks = rows<TaskRow>(db, 'SELECT * FROM task WHERE run_id = ? ORDER BY task_id', runId);
    expect(tasks.map((t) => t.task_id)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const task of tasks) {
      const want = expected.get(task.task_id)!;
      const history = status.filter((s) => s.task_id === task.task_id).map((s) => [s.state, s.try_id]);
      expect({ task: task.task_id, history }).toEqual({ task: task.task_id, history: want.history });
      expect(task.app_name).toBe(want.app);
      expect(task.app_kind).toBe(want.kind);
      expect(JSON.parse(task.dependencies)).toEqual(want.dependencies);
      expect(task.state).toBe(want.history.at(-1)![0]);
      expect(task.tries).toBe(want.tryErrors.length);
      if (want.error === null) expect(task.error).toBeNull();
      else expect(task.error).toMatch(new RegExp(`^${want.error}`));
      expect(task.time_completed).toBe(status.filter((s) => s.task_id === task.task_id).at(-1)!.time);
      if (want.kind !== 'join' && want.tryErrors.length > 0) expect(task.fn_hash).toMatch(/^[0-9a-f]{64}$/);
      const tries = rows<TryRow>(db, 'SELECT * FROM try WHERE run_id = ? AND task_id = ? ORDER BY try_id', runId, task.task_id);
      expect(tries.map((t) => t.try_id)).toEqual(want.tryErrors.map((_, i) => i));
      tries.forEach((t, i) => {
        const wanted = want.tryErrors[i];
        if (wanted === null) expect(t.error).toBeNull();
        else expect(t.error).toMatch(new RegExp(`^${wanted}`));
        if (want.kind !== 'join') expect(t.time_launched).toBeGreaterThanOrEqual(task.time_submitted);
        expect(t.time_started).not.toBeNull();
        expect(t.time_returned).toBeGreaterThanOrEqual(t.time_started!);
      });
    }
    const [workflow] = rows<{ status: string; tasks_completed: number; tasks_failed: number; time_began: number; time_completed: number }>(db, 'SELECT * FROM workflow WHERE run_id = ?', runId);
    const finals = [...expected.values()].map((t) => t.history.at(-1)![0]);
    expect(workflow).toMatchObject({
      status: 'completed',
      tasks_completed: finals.filter((s) => s === 'exec_done').length,
      tasks_failed: finals.filter((s) => s === 'failed' || s === 'dep_fail').length,
    });
    expect(workflow!.time_completed).toBeGreaterThanOrEqual(status.at(-1)!.time);
  } finally {
    db.close();
  }
}

