import Database from 'better-sqlite3';
import { rmSync, readFileSync } from 'node:fs';
rmSync('/tmp/b6.db', { force: true }); rmSync('/tmp/b6.db-wal', { force: true });
const db = new Database('/tmp/b6.db');
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
db.exec(readFileSync('src/schema/001_initial.sql', 'utf8'));
const runId = '09422425-35df-4eb5-96ea-3746d97ce665';
const N = 100_000;
function measure(label: string, fn: (i: number) => void) {
  const c0 = process.cpuUsage();
  for (let b = 0; b < N; b += 20000) db.transaction(() => { for (let i = b; i < b + 20000; i++) fn(i); })();
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(24), ((c.user + c.system) / N).toFixed(2), 'µs/op');
}
const insTask = db.prepare(`INSERT INTO task (run_id, task_id, app_name, app_kind, executor, dependencies, cache, fn_hash, stdout, stderr, time_submitted, state, state_seq, time_state, time_completed, tries, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, task_id) DO UPDATE SET app_name = excluded.app_name`);
const updTask = db.prepare(`UPDATE task SET state = ?, state_seq = ?, time_state = ?, time_completed = CASE WHEN ? THEN ? ELSE NULL END, error = CASE WHEN ? THEN ? ELSE NULL END, tries = max(tries, ?), fn_hash = COALESCE(fn_hash, ?) WHERE run_id = ? AND task_id = ? AND state_seq < ?`);
const updTaskSimple = db.prepare(`UPDATE task SET state = ?, state_seq = ? WHERE run_id = ? AND task_id = ?`);
const tryUps = db.prepare(`INSERT INTO try (run_id, task_id, try_id, executor, time_launched) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, task_id, try_id) DO UPDATE SET time_launched = COALESCE(try.time_launched, excluded.time_launched)`);
const tryUpd = db.prepare(`UPDATE try SET time_started = COALESCE(time_started, ?), time_returned = COALESCE(time_returned, ?) WHERE run_id = ? AND task_id = ? AND try_id = ?`);
const st = db.prepare(`INSERT INTO status (run_id, seq, task_id, try_id, state, time, executor, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
const t = Date.now();
measure('task insert', (i) => insTask.run(runId, i, 'noop', 'function', 'threads', '[]', 0, null, null, null, t, 'unsched', i * 4, t, null, 0, null));
measure('status insert', (i) => st.run(runId, i, i, 0, 'launched', t, 'threads', null));
measure('task update', (i) => updTask.run('launched', 1e9 + i, t, 0, t, 0, null, 1, 'ab', runId, i, 1e9 + i));
measure('task update simple', (i) => updTaskSimple.run('running', 2e9 + i, runId, i));
measure('try upsert (insert)', (i) => tryUps.run(runId, i, 0, 'threads', t));
measure('try update', (i) => tryUpd.run(t, t, runId, i, 0));
measure('js noop', (i) => void i);
