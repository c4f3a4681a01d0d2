/**
 * Migrations on real SQLite files: a fresh database is created at the current version, re-opening
 * applies nothing, a database of a newer version and files that are not parsl-ts databases are
 * refused with coded errors, and the hub refuses to start on them.
 */
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureError } from '@parsl-ts/testing';
import { APPLICATION_ID, MonitoringError, MonitoringHub, SCHEMA_VERSION, migrate, schemaVersion } from '@parsl-ts/monitoring-sqlite';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-schema-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const TABLES = ['block', 'node', 'resource', 'schema_migrations', 'status', 'task', 'try', 'workflow'];
const context = (): { runId: string; runDir: string } => ({ runId: 'run-1', runDir: join(dir, 'runinfo', '000') });

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('schema migrations', () => {
  it('ship one SQL file per version, numbered without gaps, matching SCHEMA_VERSION', () => {
    const files = readdirSync(fileURLToPath(new URL('../src/schema/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();
    expect(files.map((f) => Number(f.slice(0, 3)))).toEqual(files.map((_, i) => i + 1));
    expect(schemaVersion()).toBe(files.length);
    expect(SCHEMA_VERSION).toBe(files.length);
  });

  it('create a fresh database at the current version, and apply nothing when it is opened again', () => {
    const path = join(dir, 'fresh.db');
    const db = new Database(path);
    expect(migrate(db, path)).toEqual([1]);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(TABLES);
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'initial' }]);
    db.close();
    const again = new Database(path);
    expect(migrate(again, path)).toEqual([]);
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 1 });
    again.close();
  });

  it('the hub creates the database (and its folder) on start, in WAL mode, and reopens it for the next run', async () => {
    const path = join(dir, 'deep', 'er', 'monitoring.db');
    for (let run = 0; run < 2; run++) {
      const hub = new MonitoringHub({ database: path, resourceMonitoringInterval: 0 });
      const radio = await hub.start({ runId: `run-${run}`, runDir: join(dir, 'runinfo', `00${run}`) });
      radio.send({ kind: 'workflow_start', runId: `run-${run}`, time: Date.now(), name: 'w', user: 'u', host: 'h', runDir: 'r', coreVersion: '0.1.0', config: {} });
      await hub.stop();
      expect(hub.stats).toEqual({ written: 1, rejected: 0 });
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT run_id FROM workflow ORDER BY run_id').all()).toEqual([{ run_id: 'run-0' }, { run_id: 'run-1' }]);
    db.close();
  });

  it('default to monitoring.db next to the run directories, as Parsl does', async () => {
    const hub = new MonitoringHub();
    mkdirSync(context().runDir, { recursive: true });
    await hub.start(context());
    expect(hub.databasePath).toBe(join(dir, 'runinfo', 'monitoring.db'));
    await hub.stop();
    const db = new Database(join(dir, 'runinfo', 'monitoring.db'), { readonly: true, fileMustExist: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuse a database written by a newer schema, and leave it untouched', async () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    migrate(db, path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = await captureError(() => new MonitoringHub({ database: path }).start(context()));
    expect(error).toBeInstanceOf(MonitoringError);
    expect(error).toMatchObject({ code: 'PARSL_MONITORING_SCHEMA_NEWER' });
    expect((error as MonitoringError).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect((error as MonitoringError).hint).toMatch(/upgrade @parsl-ts\/monitoring-sqlite/);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('refuse a SQLite database of another application, and a file that is not SQLite', async () => {
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'these are my notes, not a database at all '.repeat(50));
    const foreignId = join(dir, 'foreign.db');
    const f = new Database(foreignId);
    f.pragma('application_id = 42');
    f.close();
    for (const [path, why] of [[other, /of some other application/], [text, /not a SQLite file|cannot be read as SQLite/], [foreignId, /application_id is 42/]] as const) {
      const error = await captureError(() => new MonitoringHub({ database: path }).start(context()));
      expect(error, path).toBeInstanceOf(MonitoringError);
      expect(error).toMatchObject({ code: 'PARSL_MONITORING_NOT_PARSL_DB' });
      expect((error as Error).message).toMatch(why);
      expect((error as MonitoringError).hint).toMatch(/new file/);
    }
    const unchanged = new Database(other, { readonly: true });
    expect(tables(unchanged)).toEqual(['customers']);
    unchanged.close();
  });

  it('say so when the database cannot be created', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions: use a path under a regular file instead
      writeFileSync(join(dir, 'file'), '');
      const error = await captureError(() => new MonitoringHub({ database: join(dir, 'file', 'monitoring.db') }).start(context()));
      expect(error).toMatchObject({ code: 'PARSL_MONITORING_DB_OPEN' });
      return;
    }
    chmodSync(dir, 0o500);
    const error = await captureError(() => new MonitoringHub({ database: join(dir, 'sub', 'monitoring.db') }).start(context()));
    expect(error).toMatchObject({ code: 'PARSL_MONITORING_DB_OPEN' });
  });

  it('reject invalid options with PARSL_MONITORING_OPTIONS', () => {
    for (const options of [{ radio: 'carrier-pigeon' }, { resourceMonitoringInterval: -1 }, { stopTimeout: 0 }, { udp: { port: 70000 } }, { database: '' }]) {
      expect(() => new MonitoringHub(options as never), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'PARSL_MONITORING_OPTIONS' }));
    }
  });
});
