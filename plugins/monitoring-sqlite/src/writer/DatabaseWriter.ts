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
/** Rows in one multi-row INSERT into `status`. */
const STATUS_ROWS_PER_STATEMENT = 64;

/** The changes a batch makes to one task. */
interface TaskChange {
  readonly runId: string;
  readonly taskId: number;
  readonly executor: string;
  seq: number;
  state: string;
  time: number;
  error: string | null;
  tries: number;
  fnHash: string | null;
  /** The task record, when it came in this batch. */
  record: Extract<MonitoringRecord, { kind: 'task' }> | undefined;
}

/** The changes a batch makes to one try (first value seen wins, as in the database). */
interface TryChange {
  readonly runId: string;
  readonly taskId: number;
  readonly tryId: number;
  readonly executor: string;
  /** A try row may be created (it was launched or started); an outcome alone only updates. */
  create: boolean;
  launched: number | null;
  started: number | null;
  ended: number | null;
  returned: number | null;
  host: string | null;
  blockId: string | null;
  managerId: string | null;
  error: string | null;
}

/** Options of {@link DatabaseWriter}. */
export interface DatabaseWriterOptions {
  /** How long a write waits for another process's lock on the same file, in ms. Default 10 000. */
  readonly busyTimeoutMs?: number;
  /**
   * How long changes to `task` and `try` rows may wait to be merged with later ones, in ms
   * (`status` and every other table are written at once). Default 250.
   */
  readonly mergeWindowMs?: number;
}

/** Tasks and tries with changes waiting, at most, before they are written whatever the window. */
const MAX_WAITING = 50_000;
/** Longest a task or try change waits, even while the writer is behind, in ms. */
const MAX_WAIT_MS = 2000;
/** Tries per task told apart by number in the merge maps (more, rarer, by string). */
const TRY_KEYS = 4096;

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
  private readonly transaction: Transaction<(records: readonly MonitoringRecord[], backlog: boolean) => boolean>;
  private readonly writeWaiting: Transaction<() => boolean>;
  private readonly mergeWindowMs: number;
  /** Changes to task and try rows not written yet (merged with later ones of the same row). */
  private tasks = new Map<string, Map<number, TaskChange>>();
  private tries = new Map<string, Map<number | string, TryChange>>();
  private waiting = 0;
  private lastWritten = Date.now();

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
    this.mergeWindowMs = options.mergeWindowMs ?? 250;
    // Both return whether they wrote the merged changes; the maps are only cleared once that
    // transaction committed, so a failed one (a lock held too long) loses nothing: applying the
    // same batch again merges to the same result.
    this.transaction = this.db.transaction((records: readonly MonitoringRecord[], backlog: boolean): boolean => {
      this.applyBatch(records);
      // Behind (more batches queued), keep merging longer: a burst's rows are then written once.
      const age = Date.now() - this.lastWritten;
      if ((age >= this.mergeWindowMs && !backlog) || age >= MAX_WAIT_MS || this.waiting > MAX_WAITING) {
        this.writeMerged();
        return true;
      }
      return false;
    });
    this.writeWaiting = this.db.transaction((): boolean => {
      this.writeMerged();
      return true;
    });
  }

  /** Task and try rows with changes not written yet. */
  get waitingChanges(): number {
    return this.waiting;
  }

  /** Forget the merged changes: they are in the database now. */
  private mergedWritten(): void {
    this.tasks = new Map();
    this.tries = new Map();
    this.waiting = 0;
    this.lastWritten = Date.now();
  }

  /**
   * Write a batch in one transaction; `backlog`: more batches are queued behind it. Throws when
   * the transaction fails (nothing of the batch is written then; it may be written again).
   */
  write(records: readonly MonitoringRecord[], backlog = false): void {
    if (records.length === 0) return;
    if (this.transaction.immediate(records, backlog)) this.mergedWritten();
    this.written += records.length;
  }

  /** Write the task and try changes still waiting to be merged (before reading, and at the end). */
  flush(): void {
    if (this.waiting > 0 && this.writeWaiting.immediate()) this.mergedWritten();
  }

  /** Write what waits, checkpoint the WAL into the main file and close (also when writing fails). */
  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } finally {
      this.closeDatabase();
    }
  }

  private closeDatabase(): void {
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
      status: db.prepare(`INSERT INTO status (run_id, seq, task_id, try_id, state, time, executor, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id, seq) DO NOTHING`),
      // Many rows per statement: a third of the cost of one statement per row.
      statusMany: db.prepare(`INSERT INTO status (run_id, seq, task_id, try_id, state, time, executor, error)
        VALUES ${Array.from({ length: STATUS_ROWS_PER_STATEMENT }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
        ON CONFLICT (run_id, task_id, seq) DO NOTHING`),
      // A task record with the state the same batch brought it to: one write instead of two.
      taskWithState: db.prepare(`INSERT INTO task (run_id, task_id, app_name, app_kind, executor, dependencies, cache, fn_hash, stdout, stderr, time_submitted,
          state, state_seq, time_state, time_completed, tries, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id) DO UPDATE SET app_name = excluded.app_name, app_kind = excluded.app_kind, executor = excluded.executor,
          dependencies = excluded.dependencies, cache = excluded.cache, fn_hash = COALESCE(task.fn_hash, excluded.fn_hash),
          stdout = excluded.stdout, stderr = excluded.stderr, time_submitted = excluded.time_submitted, tries = max(task.tries, excluded.tries),
          state = CASE WHEN excluded.state_seq > task.state_seq THEN excluded.state ELSE task.state END,
          time_state = CASE WHEN excluded.state_seq > task.state_seq THEN excluded.time_state ELSE task.time_state END,
          time_completed = CASE WHEN excluded.state_seq > task.state_seq THEN excluded.time_completed ELSE task.time_completed END,
          error = CASE WHEN excluded.state_seq > task.state_seq THEN excluded.error ELSE task.error END,
          state_seq = max(task.state_seq, excluded.state_seq)`),
      // The latest state decides: a retried try's `failed` is not the task's end (a later `pending` clears it).
      taskState: db.prepare(`UPDATE task SET state = ?, state_seq = ?, time_state = ?,
          time_completed = CASE WHEN ? THEN ? ELSE NULL END,
          error = CASE WHEN ? THEN ? ELSE NULL END,
          tries = max(tries, ?), fn_hash = COALESCE(fn_hash, ?)
        WHERE run_id = ? AND task_id = ? AND state_seq < ?`),
      taskTries: db.prepare(`UPDATE task SET tries = max(tries, ?), fn_hash = COALESCE(fn_hash, ?) WHERE run_id = ? AND task_id = ?`),
      taskPlaceholder: db.prepare(`INSERT INTO task (run_id, task_id, app_name, executor, time_submitted, state) VALUES (?, ?, '', ?, ?, 'unsched')
        ON CONFLICT (run_id, task_id) DO NOTHING`),
      tryUpsert: db.prepare(`INSERT INTO try (run_id, task_id, try_id, executor, time_launched, time_started, time_ended, time_returned, host, block_id, manager_id, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, task_id, try_id) DO UPDATE SET
          time_launched = COALESCE(try.time_launched, excluded.time_launched), time_started = COALESCE(try.time_started, excluded.time_started),
          time_ended = COALESCE(try.time_ended, excluded.time_ended), time_returned = COALESCE(try.time_returned, excluded.time_returned),
          host = COALESCE(try.host, excluded.host), block_id = COALESCE(try.block_id, excluded.block_id),
          manager_id = COALESCE(try.manager_id, excluded.manager_id), error = COALESCE(try.error, excluded.error)`),
      // Most changes after `launched` find the row: update first, insert only when it is missing.
      // An outcome alone does not create a try: a task cancelled before launch never had one.
      tryUpdate: db.prepare(`UPDATE try SET time_started = COALESCE(time_started, ?), time_ended = COALESCE(time_ended, ?),
          time_returned = COALESCE(time_returned, ?), host = COALESCE(host, ?), block_id = COALESCE(block_id, ?),
          manager_id = COALESCE(manager_id, ?), error = COALESCE(error, ?)
        WHERE run_id = ? AND task_id = ? AND try_id = ?`),
      block: db.prepare('INSERT INTO block (run_id, executor, block_id, job_id, state, message, time) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      node: db.prepare('INSERT INTO node (run_id, executor, block_id, manager_id, hostname, workers, active, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      resource: db.prepare(`INSERT INTO resource (run_id, task_id, try_id, time, pid, cpu_user_seconds, cpu_system_seconds, rss_bytes, read_bytes, write_bytes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      maxSeq: db.prepare('SELECT max(seq) AS seq FROM status WHERE run_id = ?'),
    };
  }

  /** Next seq for transitions that arrive without one (third-party senders), per run. */
  private readonly fallbackSeq = new Map<string, number>();

  /**
   * Apply one batch. Rows of `status`, `block`, `node` and `resource` are inserted as they come;
   * the changes a batch makes to each task and each try are merged first and written once (a
   * task's four transitions usually arrive in the same batch: one UPDATE instead of four).
   */
  private applyBatch(records: readonly MonitoringRecord[]): void {
    const s = this.statements;
    const tasks = this.tasks;
    const tries = this.tries;
    // Maps per run, keyed by number: string keys per record cost more than the SQL they save.
    let lastRun = '';
    let runTasks: Map<number, TaskChange> | undefined;
    let runTries: Map<number | string, TryChange> | undefined;
    const useRun = (runId: string): void => {
      if (runId === lastRun && runTasks) return;
      lastRun = runId;
      runTasks = tasks.get(runId) ?? new Map();
      tasks.set(runId, runTasks);
      runTries = tries.get(runId) ?? new Map();
      tries.set(runId, runTries);
    };
    const taskOf = (runId: string, taskId: number, executor: string): TaskChange => {
      useRun(runId);
      let change = runTasks!.get(taskId);
      if (!change) {
        change = { runId, taskId, executor, seq: -1, state: 'unsched', time: 0, error: null, tries: 0, fnHash: null, record: undefined };
        runTasks!.set(taskId, change);
        this.waiting++;
      }
      return change;
    };
    const statusRows: unknown[] = [];
    const statusWidth = 8 * STATUS_ROWS_PER_STATEMENT;
    const tryOf = (runId: string, taskId: number, tryId: number, executor: string): TryChange => {
      useRun(runId);
      const key = tryId < TRY_KEYS ? taskId * TRY_KEYS + tryId : `${taskId}:${tryId}`;
      let change = runTries!.get(key);
      if (!change) {
        change = { runId, taskId, tryId, executor, create: false, launched: null, started: null, ended: null, returned: null, host: null, blockId: null, managerId: null, error: null };
        runTries!.set(key, change);
        this.waiting++;
      }
      return change;
    };
    for (const r of records) {
      switch (r.kind) {
        case 'workflow_start':
          s.workflowStart.run(r.runId, r.name, r.user, r.host, r.runDir, r.coreVersion, JSON.stringify(r.config ?? {}), r.time);
          break;
        case 'workflow_end':
          s.workflowEnd.run(r.time, r.tasksCompleted, r.tasksFailed, r.runId);
          break;
        case 'task':
          taskOf(r.runId, r.taskId, r.executor).record = r;
          break;
        case 'task_state': {
          const seq = r.seq ?? this.nextFallbackSeq(r.runId);
          statusRows.push(r.runId, seq, r.taskId, r.tryId, r.state, r.time, r.executor, r.error ?? null);
          if (statusRows.length === statusWidth) {
            s.statusMany.run(statusRows);
            statusRows.length = 0;
          }
          const change = taskOf(r.runId, r.taskId, r.executor);
          if (seq > change.seq) {
            change.seq = seq;
            change.state = r.state;
            change.time = r.time;
            change.error = r.error ?? null;
          }
          if (r.state === 'launched' || r.state === 'running') change.tries = Math.max(change.tries, r.tryId + 1);
          change.fnHash ??= r.fnHash ?? null;
          if (r.state === 'launched') {
            const t = tryOf(r.runId, r.taskId, r.tryId, r.executor);
            t.create = true;
            t.launched ??= r.time;
          } else if (r.state === 'running') {
            const t = tryOf(r.runId, r.taskId, r.tryId, r.executor);
            t.create = true;
            t.started ??= r.time;
          } else if (r.state === 'exec_done' || r.state === 'failed' || r.state === 'memo_done') {
            const t = tryOf(r.runId, r.taskId, r.tryId, r.executor);
            t.returned ??= r.time;
            if (r.state === 'failed') t.error ??= r.error ?? null;
          }
          break;
        }
        case 'try': {
          const t = tryOf(r.runId, r.taskId, r.tryId, r.executor);
          t.create = true;
          t.launched ??= r.launched ?? null;
          t.started ??= r.started ?? null;
          t.ended ??= r.ended ?? null;
          t.returned ??= r.returned ?? null;
          t.host ??= r.host ?? null;
          t.blockId ??= r.blockId ?? null;
          t.managerId ??= r.managerId ?? null;
          t.error ??= r.error ?? null;
          break;
        }
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
    for (let i = 0; i < statusRows.length; i += 8) s.status.run(statusRows.slice(i, i + 8));
  }

  /**
   * Write the merged task and try changes. A short task's records usually span a few batches
   * (submitted, launched, ended): merged over the window, its row is written once or twice
   * instead of four times.
   */
  private writeMerged(): void {
    const s = this.statements;
    const tasks = this.tasks;
    const tries = this.tries;
    for (const runTasks of tasks.values()) for (const c of runTasks.values()) {
      const final = FINAL.has(c.state) ? 1 : 0;
      const failed = FAILED.has(c.state) ? 1 : 0;
      const r = c.record;
      if (r) {
        s.taskWithState.run(r.runId, r.taskId, r.appName, r.appKind ?? null, r.executor, JSON.stringify(r.dependencies ?? []), r.cache ? 1 : 0,
          r.fnHash || c.fnHash, r.stdout ?? null, r.stderr ?? null, r.time,
          c.state, c.seq, c.seq >= 0 ? c.time : null, final ? c.time : null, c.tries, failed ? c.error : null);
        continue;
      }
      const args = [c.state, c.seq, c.time, final, c.time, failed, c.error, c.tries, c.fnHash, c.runId, c.taskId, c.seq] as const;
      if (s.taskState.run(...args).changes > 0) continue;
      // Either a newer state is recorded already (records arrived out of order), or the task
      // record has not arrived yet: make sure the row exists and carries this state if newest.
      if (s.taskPlaceholder.run(c.runId, c.taskId, c.executor, c.time).changes > 0) s.taskState.run(...args);
      else if (c.tries > 0 || c.fnHash !== null) s.taskTries.run(c.tries, c.fnHash, c.runId, c.taskId);
    }
    for (const runTries of tries.values()) for (const t of runTries.values()) {
      if (t.launched === null
        && s.tryUpdate.run(t.started, t.ended, t.returned, t.host, t.blockId, t.managerId, t.error, t.runId, t.taskId, t.tryId).changes > 0) continue;
      if (t.create) {
        s.tryUpsert.run(t.runId, t.taskId, t.tryId, t.executor, t.launched, t.started, t.ended, t.returned, t.host, t.blockId, t.managerId, t.error);
      }
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
