/**
 * How many records per second the database writer sustains: the records of TASKS no-op tasks
 * (task, unsched, launched, running, exec_done), in the order a burst of submissions produces them,
 * written in batches as the writer thread does. Prints wall-clock and CPU figures (CPU time is the
 * better measure on a shared machine).
 *
 *   pnpm --filter @parsl-ts/monitoring-sqlite build && node --import tsx plugins/monitoring-sqlite/bench/writerThroughput.mts [TASKS]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonitoringRecord } from '@parsl-ts/core';
import { DatabaseWriter } from '../dist/writer/DatabaseWriter.js';

const TASKS = Number(process.argv[2] ?? 100_000);
const BATCH = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'writer-bench-'));
const writer = new DatabaseWriter(join(dir, 'monitoring.db'));
const runId = '09422425-35df-4eb5-96ea-3746d97ce665';
const records: MonitoringRecord[] = [];
let seq = 0;
const now = Date.now();
for (let i = 0; i < TASKS; i++) {
  records.push({ kind: 'task', runId, time: now, taskId: i, appName: 'noop', executor: 'threads', dependencies: [], cache: false, fnHash: '', appKind: 'function' });
  records.push({ kind: 'task_state', runId, time: now, taskId: i, tryId: 0, state: 'unsched', executor: 'threads', seq: seq++ });
}
for (let i = 0; i < TASKS; i++) records.push({ kind: 'task_state', runId, time: now, taskId: i, tryId: 0, state: 'launched', executor: 'threads', seq: seq++, fnHash: 'ab'.repeat(32) });
for (let i = 0; i < TASKS; i++) {
  records.push({ kind: 'task_state', runId, time: now, taskId: i, tryId: 0, state: 'running', executor: 'threads', seq: seq++ });
  records.push({ kind: 'task_state', runId, time: now, taskId: i, tryId: 0, state: 'exec_done', executor: 'threads', seq: seq++ });
}
const wall = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < records.length; i += BATCH) writer.write(records.slice(i, i + BATCH));
const used = process.cpuUsage(cpu);
const wallMs = performance.now() - wall;
const cpuMs = (used.user + used.system) / 1000;
writer.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  records: records.length, wallMs: Math.round(wallMs), cpuMs: Math.round(cpuMs),
  recordsPerSecond: Math.round(records.length / wallMs * 1000), recordsPerCpuSecond: Math.round(records.length / cpuMs * 1000),
}));
