import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { MonitoringError, MonitoringErrorCodes } from '../MonitoringError.js';

/**
 * `PRAGMA application_id` of every parsl-ts monitoring database: the ASCII bytes `PTSM`. A
 * reader checks it before trusting a file's tables.
 *
 * @since 0.1.0
 */
export const APPLICATION_ID = 0x5054534d;

/**
 * The schema version this release writes (`PRAGMA user_version`). Equal to {@link schemaVersion}()
 * — a test keeps them in agreement — and usable without reading the migration files.
 *
 * @since 0.1.0
 */
export const SCHEMA_VERSION = 1;

/** One migration: `NNN_name.sql` in this folder. */
interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

let cached: readonly Migration[] | undefined;

/** The migrations shipped with this package, in version order (read once). */
function migrations(): readonly Migration[] {
  if (cached) return cached;
  const folder = new URL('./', import.meta.url);
  const list = readdirSync(folder)
    .map((file) => /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[2]!, sql: readFileSync(new URL(m[0], folder), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`monitoring-sqlite is broken: migration ${i + 1} is missing (found ${m.version}_${m.name}.sql)`);
  });
  cached = list;
  return list;
}

/**
 * The schema version this package writes (the highest migration it ships).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * console.log(schemaVersion()); // 1
 * ```
 */
export function schemaVersion(): number {
  return migrations().length;
}

/**
 * Bring a database to the current schema. A fresh (empty) database gets every migration; a
 * parsl-ts database of an older version gets the missing ones, each in its own transaction. A
 * database of a newer version is refused (`PARSL_MONITORING_SCHEMA_NEWER`), and so is a file that
 * is not a parsl-ts monitoring database (`PARSL_MONITORING_NOT_PARSL_DB`). Returns the versions
 * applied.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const db = new Database('runinfo/monitoring.db');
 * migrate(db, 'runinfo/monitoring.db'); // [1] the first time, [] afterwards
 * ```
 */
export function migrate(db: Database, path: string): number[] {
  const all = migrations();
  const latest = all.length;
  let applicationId: number;
  let version: number;
  let objects: number;
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    objects = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").get() as { n: number }).n;
  } catch (cause) {
    throw notParsl(path, `it cannot be read as SQLite (${(cause as Error).message})`, cause);
  }
  if (applicationId === 0 && version === 0 && objects === 0) {
    // Fresh: claim it, inside the first migration's transaction.
  } else if (applicationId !== APPLICATION_ID) {
    throw notParsl(path, applicationId === 0
      ? `it is a SQLite database with ${objects} table(s) or index(es) of some other application`
      : `its application_id is ${applicationId}, not parsl-ts's ${APPLICATION_ID}`);
  } else if (version > latest) {
    throw new MonitoringError(MonitoringErrorCodes.SchemaNewer,
      `the monitoring database ${path} has schema version ${version}, but this @parsl-ts/monitoring-sqlite knows versions up to ${latest}`, {
        hint: 'upgrade @parsl-ts/monitoring-sqlite (and the dashboard) to the version that wrote it, or point `database` at another file',
      });
  }
  const applied: number[] = [];
  for (const migration of all) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      // Re-read inside the transaction: another process may have migrated meanwhile.
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.version);
    }).immediate();
  }
  return applied;
}

function notParsl(path: string, why: string, cause?: unknown): MonitoringError {
  return new MonitoringError(MonitoringErrorCodes.NotParslDatabase, `${path} is not a parsl-ts monitoring database: ${why}`, {
    hint: 'point the hub\'s `database` option at a new file (it is created) or at a database written by @parsl-ts/monitoring-sqlite',
    ...(cause === undefined ? {} : { cause }),
  });
}
