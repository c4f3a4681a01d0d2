import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DashboardError, DashboardErrorCodes } from '../errors.js';
import { MONITORING_APPLICATION_ID, REQUIRED_COLUMNS, SUPPORTED_SCHEMA_VERSIONS } from './schema.js';

/**
 * A monitoring database opened read-only, with its schema version.
 *
 * @since 0.1.0
 */
export interface OpenedMonitoringDatabase {
  /** The read-only connection. */
  readonly db: Database.Database;
  /** Absolute path of the file. */
  readonly path: string;
  /** Its schema version (`PRAGMA user_version`). */
  readonly schemaVersion: number;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const NOT_FOUND_HINT = 'pass the database MonitoringHub writes (by default runinfo/monitoring.db, next to the run directories) with --db <path>';

/**
 * Open a monitoring database read-only and check that it is one this dashboard can read. Throws a
 * {@link DashboardError}: `PARSL_DASHBOARD_DB_NOT_FOUND` when there is no such file,
 * `PARSL_DASHBOARD_NOT_MONITORING_DB` for a file that is not SQLite or not a parsl-ts monitoring
 * database, `PARSL_DASHBOARD_SCHEMA_VERSION` for a schema version it does not know, and
 * `PARSL_DASHBOARD_DB_UNREADABLE` when SQLite cannot read it.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { db, schemaVersion } = openMonitoringDatabase('runinfo/monitoring.db');
 * db.prepare('SELECT count(*) FROM task').pluck().get();
 * db.close();
 * ```
 */
export function openMonitoringDatabase(file: string): OpenedMonitoringDatabase {
  const path = resolve(file);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT') {
      throw new DashboardError(DashboardErrorCodes.DatabaseNotFound, `monitoring database ${path} does not exist`, { hint: NOT_FOUND_HINT });
    }
    throw new DashboardError(DashboardErrorCodes.DatabaseUnreadable, `monitoring database ${path} cannot be read: ${(cause as Error).message}`, {
      hint: 'check that you may read the file and the folders above it', cause,
    });
  }
  if (!isFile) {
    throw new DashboardError(DashboardErrorCodes.DatabaseNotFound, `${path} is not a file (a folder?), so it is not a monitoring database`, { hint: NOT_FOUND_HINT });
  }
  if (!hasSqliteHeader(path)) {
    throw new DashboardError(DashboardErrorCodes.NotMonitoringDatabase, `${path} is not a SQLite database, so it is not a parsl-ts monitoring database`, {
      hint: 'pass the file written by MonitoringHub of @parsl-ts/monitoring-sqlite (by default runinfo/monitoring.db)',
    });
  }

  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw unreadable(path, cause);
  }
  try {
    // A reader waits for the writer's brief locks instead of failing (WAL readers rarely need to).
    db.pragma('busy_timeout = 5000');
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (applicationId !== MONITORING_APPLICATION_ID) {
      throw new DashboardError(DashboardErrorCodes.NotMonitoringDatabase,
        `${path} is a SQLite database but not a parsl-ts monitoring database (its application_id is ${applicationId}, a parsl-ts one has ${MONITORING_APPLICATION_ID})`,
        { hint: 'pass the file written by MonitoringHub of @parsl-ts/monitoring-sqlite (by default runinfo/monitoring.db)' });
    }
    if (!SUPPORTED_SCHEMA_VERSIONS.includes(version)) {
      const newest = Math.max(...SUPPORTED_SCHEMA_VERSIONS);
      throw new DashboardError(DashboardErrorCodes.SchemaVersion,
        `${path} has monitoring schema version ${version}; this dashboard reads version${SUPPORTED_SCHEMA_VERSIONS.length > 1 ? 's' : ''} ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}`,
        { hint: version > newest
          ? 'it was written by a newer @parsl-ts/monitoring-sqlite: upgrade @parsl-ts/monitoring-dashboard (npm install @parsl-ts/monitoring-dashboard@latest)'
          : 'it was written by an older @parsl-ts/monitoring-sqlite: open it once with the current MonitoringHub, which migrates it, or use a dashboard of that release' });
    }
    const missing = missingColumns(db);
    if (missing.length > 0) {
      throw new DashboardError(DashboardErrorCodes.NotMonitoringDatabase,
        `${path} claims monitoring schema version ${version} but lacks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
        { hint: 'the file was changed by something other than MonitoringHub, or is damaged: record the workflow again' });
    }
    return { db, path, schemaVersion: version };
  } catch (error) {
    db.close();
    if (error instanceof DashboardError) throw error;
    throw unreadable(path, error);
  }
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const n = readSync(fd, header, 0, 16, 0);
    return n === 16 && header.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

function missingColumns(db: Database.Database): string[] {
  const missing: string[] = [];
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    const present = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]));
    if (present.size === 0) {
      missing.push(`table ${table}`);
      continue;
    }
    for (const column of columns) if (!present.has(column)) missing.push(`${table}.${column}`);
  }
  return missing;
}

function unreadable(path: string, cause: unknown): DashboardError {
  const code = (cause as { code?: string }).code ?? '';
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new DashboardError(DashboardErrorCodes.NotMonitoringDatabase, `${path} is not a readable SQLite database: ${detail}`, {
      hint: 'the file is damaged or not a database: pass the file written by MonitoringHub', cause,
    });
  }
  return new DashboardError(DashboardErrorCodes.DatabaseUnreadable, `monitoring database ${path} cannot be read: ${detail}`, {
    hint: code === 'SQLITE_CANTOPEN'
      ? 'check that you may read the file and its folder (SQLite also needs to read the -wal and -shm files next to it)'
      : 'check the file and its permissions; if a workflow is writing it, try again in a moment',
    cause,
  });
}
