import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Transaction } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MonitoringRecord } from '@parsl-ts/core';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';
import { migrate } from '../schema/migrate.js';

/** States a task never leaves (core's FINAL_STATES, as plain strings for SQL). */
const FINAL = new Set(['exec_done', 'memo_done', 'failed', 'dep_fail']);
const FAILED = new Set(['failed', 'dep_fail']);

/** Options of {@link DatabaseWriter}. */
export interface DatabaseWriterOptions {
  /** How long a write waits for another process's lock on the same file, in ms. Default 10 000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Applies monitoring records to the SQLite database: the only code that writes it. It runs in the
 * hub's writer thread; one `write(batch)` is one transaction. Records may arrive more than once
 * (a radio retransmits) or out of order between radios: every statement is idempotent, and a
 * task's `state` only moves to a higher `seq`.
 *
 * @internal
 */
export class DatabaseWriter {
  /** Records written since open. */
  written = 0;
  private readonly db: SqliteDatabase;
  private readonly statements: ReturnType<DatabaseWriter['prepare']>;
  private readonly transaction: Transaction<(records: readonly MonitoringRecord[]) => void>;

  constructor(readonly path: string, options: DatabaseWriterOptions = {}) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 });
    } catch (cause) {
      throw new MonitoringError(MonitoringErrorCodes.DatabaseOpen, `cannot open the monitoring database ${path}: ${(cause as Error).message}`, {
        cause, hint: 'point `database` at a file in a writable folder',
      });
    }
    try {
      migrate(this.db, path);
      // WAL: readers (the dashboard) never block the writer; NORMAL sync is safe with WAL.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    } catch (error) {
      this.db.close();
      if (error instanceof MonitoringError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new MonitoringError(MonitoringErrorCodes.NotParslDatabase, `${path} is not a parsl-ts monitoring database: it is not a SQLite file`, {
          cause: error, hint: 'point the hub\'s `database` option at a new file (it is created) or at a database written by @parsl-ts/monitoring-sqlite',
        });
      }
      throw new MonitoringError(MonitoringErrorCodes.DatabaseOpen, `cannot prepare the monitoring database ${path}: ${(error as Error).message}`, {
        cause: error, hint: 'check that the file and its folder are writable and the disk is not full',
      });
    }
    this.statements = this.prepare();
    this.transaction = this.db.transaction((records: readonly MonitoringRecord[]) => {
      for (const record of records) this.apply(record);
    });
  }

  /** Write a batch in one transaction. */
  write(records: readonly MonitoringRecord[]): void {
    if (records.length === 0) return;
    this.transaction.immediate(records);
    this.written += records.length;
  }

  /** Checkpoint the WAL into the main file and close. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another reader holds the WAL; the next writer checkpoints it.
    }
    this.db.close();
  }

  private prepare() {
    const db = this.db;
    return {
      workflowStart: db.prepare(`INSERT INTO workflow (run_id, name, user, host, run_dir, core_version, config, time_began, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')
        ON CONFLICT (run_id) DO UPDATE SET name = excluded.name, user = excluded.user, host = excluded.host, run_dir = excluded.run_dir,
          core_version = excluded.core_version, config = excluded.config, time_began = excluded.time_began`),
      workflowEnd: db.prepare(`UPDATE workflow SET time_completed = ?, status = 'completed', tasks_completed = ?, tasks_failed = ? WHERE run_id = ?`),
      task: db.prepare(`INSERT INTO task (run_id, task_id, app_name, app_kind, executor, dependencies, cache, fn_hash, stdout, stderr, time_submitted, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unsched')
        ON CONFLICT (run_id, task_id) DO UPDATE SET app_name = excluded.app_name, app_kind = excluded.app_kind, executor = excluded.executor,
          dependencies = excluded.dependencies, cache = excluded.cache, fn_hash = COALESCE(task.fn_hash, excluded.fn_hash),
          stdout = excluded.stdout, stderr = excluded.stderr, time_submitted = excluded.time_submitted`),
      status: db.prepare(`INSERT INTO status (run_id, seq, task_id, try_id, state, time, executor, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, seq) DO NOTHING`),
      // The latest state decides: a retried try's `failed` is not the task's end (a later `pending` clears it).
      taskState: db.prepare(`UPDATE task SET state = ?, state_seq = ?, time_state = ?,
          time_completed = CASE WHEN ? THEN ? ELSE NULL END,
          error = CASE WHEN ? THEN ? ELSE NULL END,
          tries = max(tries, ?), fn_hash = COALESCE(fn_hash, ?)
        WHERE run_id = ? AND task_id = ? AND state_seq < ?`),
      taskTries: db.prepare(`UPDATE task SET tries = max(tries, ?), fn_hash = COALESCE(fn_hash, ?) WHERE run_id = ? AND task_id = ?`),
      taskPlaceholder: db.prepare(`INSERT INTO task (run_id, task_id, app_name, executor, time_submitted, state) VALUES (?, ?, '', ?, ?, 'unsched')
        ON CONFLICT (run_id, task_id) DO NOTHING`),
      tryLaunched: db.prepare(`INSERT INTO try (run_id, task_id, try_id, executor, time_launched) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id, try_id) DO UPDATE SET time_launched = COALESCE(try.time_launched, excluded.time_launched)`),
      tryRunning: db.prepare(`INSERT INTO try (run_id, task_id, try_id, executor, time_started) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id, try_id) DO UPDATE SET time_started = COALESCE(try.time_started, excluded.time_started)`),
      tryReturned: db.prepare(`UPDATE try SET time_returned = COALESCE(time_returned, ?), error = COALESCE(error, ?)
        WHERE run_id = ? AND task_id = ? AND try_id = ?`),
      tryReport: db.prepare(`INSERT INTO try (run_id, task_id, try_id, executor, time_launched, time_started, time_ended, time_returned, host, block_id, manager_id, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id, try_id) DO UPDATE SET
          time_launched = COALESCE(try.time_launched, excluded.time_launched), time_started = COALESCE(try.time_started, excluded.time_started),
          time_ended = COALESCE(try.time_ended, excluded.time_ended), time_returned = COALESCE(try.time_returned, excluded.time_returned),
          host = COALESCE(try.host, excluded.host), block_id = COALESCE(try.block_id, excluded.block_id),
          manager_id = COALESCE(try.manager_id, excluded.manager_id), error = COALESCE(try.error, excluded.error)`),
      block: db.prepare('INSERT INTO block (run_id, executor, block_id, job_id, state, message, time) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      node: db.prepare('INSERT INTO node (run_id, executor, block_id, manager_id, hostname, workers, active, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      resource: db.prepare(`INSERT INTO resource (run_id, task_id, try_id, time, pid, cpu_user_seconds, cpu_system_seconds, rss_bytes, read_bytes, write_bytes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      maxSeq: db.prepare('SELECT max(seq) AS seq FROM status WHERE run_id = ?'),
    };
  }

  /** Next seq for transitions that arrive without one (third-party senders), per run. */
  private readonly fallbackSeq = new Map<string, number>();

  private apply(r: MonitoringRecord): void {
    const s = this.statements;
    switch (r.kind) {
      case 'workflow_start':
        s.workflowStart.run(r.runId, r.name, r.user, r.host, r.runDir, r.coreVersion, JSON.stringify(r.config ?? {}), r.time);
        break;
      case 'workflow_end':
        s.workflowEnd.run(r.time, r.tasksCompleted, r.tasksFailed, r.runId);
        break;
      case 'task':
        s.task.run(r.runId, r.taskId, r.appName, r.appKind ?? null, r.executor, JSON.stringify(r.dependencies ?? []), r.cache ? 1 : 0,
          r.fnHash || null, r.stdout ?? null, r.stderr ?? null, r.time);
        break;
      case 'task_state': {
        const seq = r.seq ?? this.nextFallbackSeq(r.runId);
        s.status.run(r.runId, seq, r.taskId, r.tryId, r.state, r.time, r.executor, r.error ?? null);
        const final = FINAL.has(r.state) ? 1 : 0;
        const failed = FAILED.has(r.state) ? 1 : 0;
        const started = r.state === 'launched' || r.state === 'running' ? r.tryId + 1 : 0;
        const changed = s.taskState.run(r.state, seq, r.time, final, r.time, failed, r.error ?? null, started, r.fnHash ?? null, r.runId, r.taskId, seq).changes;
        if (changed === 0) {
          // Either a newer state is already recorded (out-of-order arrival), or the task record has
          // not arrived yet: make sure the row exists and carries this state if it is the newest.
          if (s.taskPlaceholder.run(r.runId, r.taskId, r.executor, r.time).changes > 0) {
            s.taskState.run(r.state, seq, r.time, final, r.time, failed, r.error ?? null, started, r.fnHash ?? null, r.runId, r.taskId, seq);
          } else if (started > 0 || r.fnHash !== undefined) {
            s.taskTries.run(started, r.fnHash ?? null, r.runId, r.taskId);
          }
        }
        if (r.state === 'launched') s.tryLaunched.run(r.runId, r.taskId, r.tryId, r.executor, r.time);
        else if (r.state === 'running') s.tryRunning.run(r.runId, r.taskId, r.tryId, r.executor, r.time);
        else if (r.state === 'exec_done' || r.state === 'failed' || r.state === 'memo_done') {
          s.tryReturned.run(r.time, r.state === 'failed' ? r.error ?? null : null, r.runId, r.taskId, r.tryId);
        }
        break;
      }
      case 'try':
        s.tryReport.run(r.runId, r.taskId, r.tryId, r.executor, r.launched ?? null, r.started ?? null, r.ended ?? null, r.returned ?? null,
          r.host ?? null, r.blockId ?? null, r.managerId ?? null, r.error ?? null);
        if (r.started !== undefined || r.launched !== undefined) s.taskTries.run(r.tryId + 1, null, r.runId, r.taskId);
        break;
      case 'block':
        s.block.run(r.runId, r.executor, String(r.blockId), r.jobId ?? null, r.state, r.message ?? null, r.time);
        break;
      case 'node':
        s.node.run(r.runId, r.executor, String(r.blockId), r.managerId, r.hostname, r.workers, r.active ? 1 : 0, r.time);
        break;
      case 'resource':
        s.resource.run(r.runId, r.taskId < 0 ? null : r.taskId, r.taskId < 0 ? null : r.tryId, r.time, r.pid, r.cpuUserSeconds, r.cpuSystemSeconds,
          Math.round(r.rssBytes), Math.round(r.readBytes), Math.round(r.writeBytes));
        break;
      default:
        // A record kind from a newer core: ignored rather than failing the batch.
        break;
    }
  }

  private nextFallbackSeq(runId: string): number {
    let next = this.fallbackSeq.get(runId);
    if (next === undefined) {
      const row = this.statements.maxSeq.get(runId) as { seq: number | null };
      next = (row.seq ?? -1) + 1;
    }
    this.fallbackSeq.set(runId, next + 1);
    return next;
  }
}
