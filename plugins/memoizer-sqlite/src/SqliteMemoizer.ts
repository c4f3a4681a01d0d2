import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CHECKPOINT_DIR, CheckpointError, ConfigError, ErrorCodes, memoKey,
  type Logger, type MemoizableTask, type Memoizer, type MemoizerContext, type MemoOutcome, type PluginManifest, type Serializer, type SerializerRegistry,
} from '@parsl-ts/core';
import type BetterSqlite3 from 'better-sqlite3';
import { plugin } from './manifest.js';

/**
 * Options of {@link SqliteMemoizer}. Plain data (config files can name it by package).
 *
 * @since 0.1.0
 */
export interface SqliteMemoizerOptions {
  /**
   * One database for every run (e.g. `memo.sqlite` next to the workflow): each run reads what
   * earlier runs stored and adds to it, without `checkpointFiles`. Default: a database per run,
   * `runinfo/NNN/checkpoint/memo.sqlite`, created at the run's first checkpoint, which later runs
   * load through `checkpointFiles` (`getLastCheckpoint()`).
   */
  readonly path?: string;
}

/** The database file name in a run's checkpoint folder. */
export const MEMO_DATABASE = 'memo.sqlite';
/** Version of the schema in `meta`. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, payload BLOB NOT NULL, stored_at REAL NOT NULL);
`;

const load = createRequire(import.meta.url);
type Database = BetterSqlite3.Database;

/**
 * A memoizer that keeps outcomes in SQLite (better-sqlite3), to show the Memoizer interface
 * works with other storage than core's files. Outcomes stored by tasks wait in memory until the
 * next checkpoint, which writes them in one transaction (synchronous=FULL: durable once it
 * commits; a crash during it leaves the database as it was). Lookups query the database, so a
 * run does not hold earlier runs' results in memory.
 *
 * Earlier runs' databases (from `checkpointFiles`) are checked (`PRAGMA quick_check`) and queried
 * in place; the first checkpoint of a run copies their rows into its own database, so the latest
 * run's database always holds everything reusable.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { getLastCheckpoint, loadConfig } from '@parsl-ts/core';
 * import { SqliteMemoizer } from '@parsl-ts/memoizer-sqlite';
 *
 * const dfk = await loadConfig({ memoizer: new SqliteMemoizer(), checkpointMode: 'taskExit', checkpointFiles: getLastCheckpoint() });
 * ```
 */
export class SqliteMemoizer implements Memoizer {
  /** The plugin that made this memoizer. */
  readonly manifest: PluginManifest = plugin;
  private readonly pending = new Map<string, Uint8Array>();
  private readonly sources: { file: string; db: Database; select: BetterSqlite3.Statement<[string], { payload: Buffer }> }[] = [];
  private db: Database | undefined;
  private select: BetterSqlite3.Statement<[string], { payload: Buffer }> | undefined;
  private copied = false;
  private file = '';
  private serializer: Serializer | undefined;
  private registry: SerializerRegistry | undefined;
  private logger: Logger | undefined;

  constructor(private readonly options: SqliteMemoizerOptions = {}) {
    if (options.path !== undefined && (typeof options.path !== 'string' || options.path.length === 0)) {
      throw new ConfigError('must be a path to a database file', { path: 'memoizer.options.path', hint: "e.g. { path: 'memo.sqlite' }, or leave it out for one database per run" });
    }
  }

  /** @inheritDoc */
  async start(context: MemoizerContext): Promise<void> {
    this.serializer = context.serializer;
    this.registry = context.serializers;
    this.logger = context.logger;
    this.file = this.options.path !== undefined ? resolve(this.options.path) : join(context.runDir, CHECKPOINT_DIR, MEMO_DATABASE);
    for (const path of context.checkpointFiles) {
      const file = databaseIn(path);
      const db = openChecked(file, false);
      this.sources.unshift({ file, db, select: db.prepare<[string], { payload: Buffer }>('SELECT payload FROM memo WHERE key = ?') });
      this.logger.info({ file }, 'memo database loaded');
    }
    // A shared database is opened now: its rows are this run's hits too.
    if (this.options.path !== undefined) this.openOwn();
  }

  /** @inheritDoc */
  key(task: MemoizableTask): string {
    return memoKey(task);
  }

  /** @inheritDoc */
  async lookup(key: string): Promise<{ found: false } | { found: true; outcome: MemoOutcome }> {
    let payload: Uint8Array | undefined = this.pending.get(key) ?? this.select?.get(key)?.payload;
    for (let i = 0; payload === undefined && i < this.sources.length; i++) payload = this.sources[i]!.select.get(key)?.payload;
    if (payload === undefined) return { found: false };
    const [ok, value] = this.registry!.deserialize(payload) as [boolean, unknown];
    return { found: true, outcome: ok ? { ok: true, value } : { ok: false, error: value } };
  }

  /** @inheritDoc */
  async store(key: string, outcome: MemoOutcome): Promise<void> {
    this.pending.set(key, this.serializer!.serialize(outcome.ok ? [true, outcome.value] : [false, outcome.error]));
  }

  /** @inheritDoc */
  async checkpoint(): Promise<string | undefined> {
    const copyForward = !this.copied && this.sources.length > 0;
    if (this.pending.size === 0 && !copyForward) return undefined;
    const db = this.openOwn();
    const rows = [...this.pending];
    // SQLite attaches databases outside transactions only; the copy itself is in the transaction.
    const attached: string[] = [];
    try {
      if (copyForward) {
        for (const [i, source] of this.sources.entries()) {
          if (source.file === this.file) continue;
          db.prepare(`ATTACH DATABASE ? AS source${i}`).run(source.file);
          attached.push(`source${i}`);
        }
      }
      db.transaction(() => {
        for (const name of attached) db.prepare(`INSERT OR IGNORE INTO main.memo SELECT key, payload, stored_at FROM ${name}.memo`).run();
        const insert = db.prepare('INSERT OR REPLACE INTO memo (key, payload, stored_at) VALUES (?, ?, ?)');
        const now = Date.now() / 1000;
        for (const [key, payload] of rows) insert.run(key, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), now);
      })();
    } catch (cause) {
      throw new CheckpointError(ErrorCodes.CheckpointWrite, this.file, `checkpoint to ${this.file} failed: ${(cause as Error).message}`, { cause });
    } finally {
      for (const name of attached) db.prepare(`DETACH DATABASE ${name}`).run();
    }
    // Only what this transaction wrote leaves the pending set (stores made meanwhile stay).
    for (const [key, payload] of rows) if (this.pending.get(key) === payload) this.pending.delete(key);
    this.copied = true;
    this.logger?.debug({ file: this.file, entries: rows.length }, 'checkpoint committed');
    return this.file;
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    for (const source of this.sources.splice(0)) source.db.close();
    this.db?.close();
    this.db = undefined;
    this.select = undefined;
  }

  private openOwn(): Database {
    if (this.db) return this.db;
    mkdirSync(dirname(this.file), { recursive: true });
    this.db = openChecked(this.file, true);
    this.select = this.db.prepare<[string], { payload: Buffer }>('SELECT payload FROM memo WHERE key = ?');
    return this.db;
  }
}

/** The database a `checkpointFiles` entry names: the file, or `memo.sqlite` in a checkpoint folder. */
function databaseIn(path: string): string {
  const absolute = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(absolute).isDirectory();
  } catch (cause) {
    throw new CheckpointError(ErrorCodes.CheckpointMissing, absolute, `checkpointFiles names ${absolute}, which does not exist`, { cause });
  }
  const file = isDir ? join(absolute, MEMO_DATABASE) : absolute;
  try {
    statSync(file);
  } catch (cause) {
    throw new CheckpointError(ErrorCodes.CheckpointMissing, file, `checkpoint folder ${absolute} has no ${MEMO_DATABASE} (was it written by another memoizer?)`, {
      cause, hint: 'use the memoizer that wrote the checkpoint (core\'s FileMemoizer writes .ckpt files), or leave the folder out of checkpointFiles',
    });
  }
  return file;
}

/**
 * Open a memo database, creating the schema when `create`, and check it: a file that is not a
 * SQLite database, is truncated or damaged, or has no memo table is a `CheckpointError` naming it.
 */
function openChecked(file: string, create: boolean): Database {
  const Sqlite = load('better-sqlite3') as typeof BetterSqlite3;
  let db: Database | undefined;
  try {
    db = new Sqlite(file, { fileMustExist: !create });
    db.pragma('synchronous = FULL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check says: ${String(check)}`);
    if (create) {
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    }
    const version = (db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get() as { value: string } | undefined)?.value;
    if (version !== String(SCHEMA_VERSION)) throw new Error(`schema version ${version ?? '(none)'}, expected ${SCHEMA_VERSION}`);
    db.prepare('SELECT key, payload FROM memo LIMIT 1').get();
    return db;
  } catch (cause) {
    db?.close();
    throw new CheckpointError(ErrorCodes.CheckpointCorrupt, file, `memo database ${file} is damaged or not a parsl-ts memo database: ${(cause as Error).message}`, {
      cause, hint: `delete ${file} or leave it out of checkpointFiles; the tasks it held run again`,
    });
  }
}
