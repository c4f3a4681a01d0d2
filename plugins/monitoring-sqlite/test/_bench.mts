import { DatabaseWriter } from '../dist/writer/DatabaseWriter.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/bench.db', { force: true }); rmSync('/tmp/bench.db-wal', { force: true });
const w = new DatabaseWriter('/tmp/bench.db');
const runId = '09422425-35df-4eb5-96ea-3746d97ce665';
const N = 100_000;
const recs: any[] = [];
let seq = 0;
for (let i = 0; i < N; i++) {
  const t = Date.now();
  recs.push({ kind: 'task', runId, time: t, taskId: i, appName: 'noop', executor: 'threads', dependencies: [], cache: false, fnHash: '', appKind: 'function' });
  recs.push({ kind: 'task_state', runId, time: t, taskId: i, tryId: 0, state: 'unsched', executor: 'threads', seq: seq++ });
}
for (let i = 0; i < N; i++) recs.push({ kind: 'task_state', runId, time: Date.now(), taskId: i, tryId: 0, state: 'launched', executor: 'threads', seq: seq++, fnHash: 'ab'.repeat(32) });
for (let i = 0; i < N; i++) {
  recs.push({ kind: 'task_state', runId, time: Date.now(), taskId: i, tryId: 0, state: 'running', executor: 'threads', seq: seq++ });
  recs.push({ kind: 'task_state', runId, time: Date.now(), taskId: i, tryId: 0, state: 'exec_done', executor: 'threads', seq: seq++ });
}
const t0 = performance.now(); const c0 = process.cpuUsage();
for (let i = 0; i < recs.length; i += 20000) w.write(recs.slice(i, i + 20000));
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0); const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`${recs.length} records in ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU = ${Math.round(recs.length / cpuMs * 1000)} records per CPU-second`);
w.close();
