/**
 * A 100,000-task run written through the real MonitoringHub: the records a DataFlowKernel and
 * HTEX workers would send for a day-long campaign on 8 blocks of 16 workers — 10,000 groups of
 * preprocess → 7 × simulate → analyze → convert (bash), 2 % of simulate tries failing once and
 * retried, 0.2 % of preprocess tasks failing for good (their 9 dependants end dep_fail), resource
 * samples for every fifth try — sent through `hub.start()`'s radio into the hub's writer thread,
 * so the database is the real schema written by the real writer. Times are simulated (a
 * list-scheduling model), so writing it takes seconds, not a day.
 */
import { randomUUID } from 'node:crypto';
import type { MonitoringRecord } from '@parsl-ts/core';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';

/** What the large run must show. */
export interface LargeRun {
  readonly runId: string;
  readonly name: string;
  readonly total: number;
  readonly byState: Record<string, number>;
  readonly tries: number;
  readonly failedTries: number;
  readonly retriedTasks: number;
  readonly blocks: number;
  readonly resourceTries: number;
  readonly records: number;
  readonly span: { readonly from: number; readonly to: number };
  /** A task that failed for good, and one that was retried. */
  readonly failedTask: number;
  readonly retriedTask: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Transition { time: number; order: number; taskId: number; tryId: number; state: string; error?: string }

const APPS = {
  preprocess: { ms: 1_500, rss: 120e6, kind: 'function' as const },
  simulate: { ms: 9_000, rss: 600e6, kind: 'function' as const },
  analyze: { ms: 4_000, rss: 300e6, kind: 'function' as const },
  convert: { ms: 800, rss: 40e6, kind: 'bash' as const },
};
type AppName = keyof typeof APPS;

/** Write the run into `database`; resolves once every record is in it. */
export async function recordLargeRun(database: string, options: { groups?: number; seed?: number } = {}): Promise<LargeRun> {
  const groups = options.groups ?? 10_000;
  const rand = random(options.seed ?? 42);
  const runId = randomUUID();
  const name = 'campaign-100k';
  const executor = 'htex';
  const blocks = 8;
  const workersPerBlock = 16;
  const t0 = Date.UTC(2025, 2, 1, 8, 0, 0);

  // Tasks: per group [preprocess, simulate × 7, analyze, convert] with their dependencies.
  interface Task { id: number; app: AppName; deps: number[]; dependants: number[]; submitted: number; waiting: number; outcome?: 'done' | 'failed' | 'dep_fail'; failsOnce: boolean; failsForGood: boolean }
  const tasks: Task[] = [];
  const add = (app: AppName, deps: number[], submitted: number): number => {
    const id = tasks.length;
    tasks.push({ id, app, deps, dependants: [], submitted, waiting: deps.length, failsOnce: app === 'simulate' && rand() < 0.02, failsForGood: app === 'preprocess' && rand() < 0.002 });
    for (const d of deps) tasks[d]!.dependants.push(id);
    return id;
  };
  for (let g = 0; g < groups; g++) {
    // Submitted in waves over the first ten minutes, as a workflow loop would.
    const submitted = t0 + Math.floor((g / groups) * 600_000);
    const pre = add('preprocess', [], submitted);
    const sims = Array.from({ length: 7 }, () => add('simulate', [pre], submitted));
    const analysis = add('analyze', sims, submitted);
    add('convert', [analysis], submitted);
  }

  const transitions: Transition[] = [];
  let order = 0;
  const transition = (time: number, taskId: number, tryId: number, state: string, error?: string): void => {
    transitions.push({ time, order: order++, taskId, tryId, state, ...(error === undefined ? {} : { error }) });
  };
  const tryRecords: MonitoringRecord[] = [];
  const resources: MonitoringRecord[] = [];

  // Workers: a min-heap would be faster; 128 workers scanned linearly is fine for 100k tries.
  const workers = Array.from({ length: blocks * workersPerBlock }, (_, i) => ({
    block: Math.floor(i / workersPerBlock), free: t0 + 30_000 + Math.floor(i / workersPerBlock) * 15_000,
  }));
  // Ready tasks in the order they became ready (FIFO, like the interchange).
  const ready: { taskId: number; tryId: number; at: number }[] = [];
  let head = 0;
  for (const t of tasks) {
    transition(t.submitted, t.id, 0, 'unsched');
    if (t.deps.length === 0) {
      transition(t.submitted, t.id, 0, 'launched');
      ready.push({ taskId: t.id, tryId: 0, at: t.submitted });
    } else {
      transition(t.submitted, t.id, 0, 'pending');
    }
  }
  // Events: try ends, processed in time order.
  const ends: { time: number; taskId: number; tryId: number; failed: boolean }[] = [];
  const settle = (taskId: number, time: number, outcome: 'done' | 'failed'): void => {
    const stack: [number, number, 'done' | 'failed' | 'dep_fail'][] = [[taskId, time, outcome]];
    while (stack.length > 0) {
      const [id, at, result] = stack.pop()!;
      tasks[id]!.outcome = result;
      for (const d of tasks[id]!.dependants) {
        const dep = tasks[d]!;
        if (dep.outcome !== undefined) continue;
        if (result !== 'done') {
          transition(at, d, 0, 'dep_fail', `DependencyError: task ${d} was not run because its dependency ${id} failed`);
          stack.push([d, at, 'dep_fail']);
        } else if (--dep.waiting === 0) {
          transition(at, d, 0, 'launched');
          ready.push({ taskId: d, tryId: 0, at });
        }
      }
    }
  };
  let tries = 0;
  let failedTries = 0;
  let resourceTries = 0;
  const endHeap: typeof ends = [];
  const pushEnd = (e: (typeof ends)[number]): void => {
    endHeap.push(e);
    let i = endHeap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (endHeap[p]!.time <= e.time) break;
      endHeap[i] = endHeap[p]!;
      i = p;
    }
    endHeap[i] = e;
  };
  const popEnd = (): (typeof ends)[number] | undefined => {
    if (endHeap.length === 0) return undefined;
    const top = endHeap[0]!;
    const last = endHeap.pop()!;
    if (endHeap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= endHeap.length) break;
        const r = l + 1;
        const c = r < endHeap.length && endHeap[r]!.time < endHeap[l]!.time ? r : l;
        if (endHeap[c]!.time >= last.time) break;
        endHeap[i] = endHeap[c]!;
        i = c;
      }
      endHeap[i] = last;
    }
    return top;
  };
  const dispatch = (): void => {
    while (head < ready.length) {
      let w = 0;
      for (let i = 1; i < workers.length; i++) if (workers[i]!.free < workers[w]!.free) w = i;
      const worker = workers[w]!;
      const next = ready[head]!;
      // Only hand out a task once the earliest free worker is free by the time of the next end
      // event (or no end is pending): keeps dispatch in time order with completions.
      const nextEnd = endHeap[0]?.time ?? Infinity;
      const start = Math.max(worker.free, next.at) + 2;
      if (start > nextEnd) return;
      head++;
      const task = tasks[next.taskId]!;
      const spec = APPS[task.app];
      const duration = Math.round(spec.ms * (0.4 + rand() * 1.2) * (rand() < 0.01 ? 4 : 1));
      const failed = (task.failsOnce && next.tryId === 0) || task.failsForGood;
      const end = start + (failed ? Math.round(duration * rand()) : duration);
      worker.free = end + 1;
      transition(start, task.id, next.tryId, 'running');
      tries++;
      const error = failed ? (task.failsForGood ? `ValueError: input file for task ${task.id} is corrupt` : `MemoryError: worker ran out of memory on try ${next.tryId}`) : undefined;
      tryRecords.push({
        kind: 'try', runId, time: end, taskId: task.id, tryId: next.tryId, executor, started: start, ended: end,
        host: `node-${String(worker.block).padStart(2, '0')}`, blockId: String(worker.block), managerId: `manager-${worker.block}`, ...(error ? { error } : {}),
      });
      if (rand() < 0.2) {
        resourceTries++;
        for (const f of [0.25, 0.5, 1]) {
          resources.push({
            kind: 'resource', runId, time: Math.round(start + (end - start) * f), taskId: task.id, tryId: next.tryId, pid: 10_000 + w,
            cpuUserSeconds: ((end - start) / 1000) * f * 0.92, cpuSystemSeconds: ((end - start) / 1000) * f * 0.03,
            rssBytes: Math.round(spec.rss * (0.5 + rand()) * Math.min(1, f * 2)), readBytes: Math.round(2e6 * f), writeBytes: Math.round(5e5 * f),
          });
        }
      }
      pushEnd({ time: end, taskId: task.id, tryId: next.tryId, failed });
    }
  };
  for (;;) {
    dispatch();
    const e = popEnd();
    if (!e) {
      if (head < ready.length) continue;
      break;
    }
    const task = tasks[e.taskId]!;
    if (!e.failed) {
      transition(e.time + 1, e.taskId, e.tryId, 'exec_done');
      settle(e.taskId, e.time + 1, 'done');
      continue;
    }
    failedTries++;
    const error = task.failsForGood ? `ValueError: input file for task ${task.id} is corrupt` : `MemoryError: worker ran out of memory on try ${e.tryId}`;
    transition(e.time + 1, e.taskId, e.tryId, 'failed', error);
    if (e.tryId === 0) {
      transition(e.time + 1, e.taskId, 1, 'pending');
      transition(e.time + 2, e.taskId, 1, 'launched');
      ready.push({ taskId: e.taskId, tryId: 1, at: e.time + 2 });
    } else {
      settle(e.taskId, e.time + 1, 'failed');
    }
  }

  transitions.sort((a, b) => a.time - b.time || a.order - b.order);
  const end = transitions.at(-1)!.time + 50;
  const byState: Record<string, number> = {};
  for (const t of tasks) {
    const state = t.outcome === 'done' ? 'exec_done' : t.outcome === 'failed' ? 'failed' : 'dep_fail';
    byState[state] = (byState[state] ?? 0) + 1;
  }

  const hub = new MonitoringHub({ database, resourceMonitoringInterval: 0, stopTimeout: 120 });
  const radio = await hub.start({ runId, runDir: `/scratch/campaign/runinfo/000` });
  let records = 0;
  const send = async (record: MonitoringRecord): Promise<void> => {
    radio.send(record);
    // Let the writer keep up, so memory stays bounded.
    if (++records % 50_000 === 0) await hub.flush(120);
  };
  try {
    await send({
      kind: 'workflow_start', runId, time: t0, name, user: 'alice', host: 'login-01', runDir: '/scratch/campaign/runinfo/000', coreVersion: '0.1.0',
      config: { executors: [{ label: executor, kind: 'htex', blocks, workersPerBlock }] },
    });
    for (let b = 0; b < blocks; b++) {
      await send({ kind: 'block', runId, time: t0 + 1_000, executor, blockId: String(b), jobId: `${4_200 + b}`, state: 'pending' });
      await send({ kind: 'block', runId, time: t0 + 30_000 + b * 15_000 - 500, executor, blockId: String(b), jobId: `${4_200 + b}`, state: 'running' });
      await send({ kind: 'node', runId, time: t0 + 30_000 + b * 15_000, executor, blockId: String(b), managerId: `manager-${b}`, hostname: `node-${String(b).padStart(2, '0')}`, workers: workersPerBlock, active: true });
    }
    for (const t of tasks) {
      await send({
        kind: 'task', runId, time: t.submitted, taskId: t.id, appName: t.app, appKind: APPS[t.app].kind, executor, dependencies: t.deps, cache: false, fnHash: '',
        ...(t.app === 'convert' ? { stdout: `/scratch/campaign/runinfo/000/task_logs/convert-${t.id}.stdout`, stderr: `/scratch/campaign/runinfo/000/task_logs/convert-${t.id}.stderr` } : {}),
      });
    }
    let seq = 0;
    for (const s of transitions) {
      await send({ kind: 'task_state', runId, time: s.time, taskId: s.taskId, tryId: s.tryId, state: s.state as never, executor, seq: seq++, ...(s.error ? { error: s.error } : {}) });
    }
    for (const r of tryRecords) await send(r);
    for (const r of resources) await send(r);
    for (let b = 0; b < blocks; b++) await send({ kind: 'block', runId, time: end, executor, blockId: String(b), jobId: `${4_200 + b}`, state: 'completed' });
    await send({ kind: 'workflow_end', runId, time: end + 100, tasksCompleted: byState.exec_done ?? 0, tasksFailed: (byState.failed ?? 0) + (byState.dep_fail ?? 0) });
    await hub.flush(120);
  } finally {
    await hub.stop();
  }
  const failedTask = tasks.find((t) => t.outcome === 'failed')!.id;
  const retriedTask = tasks.find((t) => t.failsOnce && t.outcome === 'done')!.id;
  return {
    runId, name, total: tasks.length, byState, tries, failedTries, retriedTasks: tasks.filter((t) => t.failsOnce || t.failsForGood).filter((t) => t.outcome !== 'dep_fail').length,
    blocks, resourceTries, records, span: { from: t0, to: transitions.at(-1)!.time }, failedTask, retriedTask,
  };
}
