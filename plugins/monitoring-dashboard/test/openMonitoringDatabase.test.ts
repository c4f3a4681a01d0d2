/**
 * The dashboard refuses, with a coded error and before it listens, anything that is not a
 * parsl-ts monitoring database it can read: a missing file, a folder, a text file, an empty
 * file, somebody else's SQLite database, a schema version it does not know, a damaged schema.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ParslError } from '@parsl-ts/core';
import { APPLICATION_ID, SCHEMA_VERSION } from '@parsl-ts/monitoring-sqlite';
import {
  DashboardError, DashboardErrorCodes, MONITORING_APPLICATION_ID, openMonitoringDatabase, startDashboard, SUPPORTED_SCHEMA_VERSIONS,
} from '../src/index.js';
import { freePort, listening } from './helpers/http.js';

const fixture = inject('fixture');
let dir: string;

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-dashboard-open-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the recorded database, changed by `change` through a writable connection. */
function alteredCopy(name: string, change: (db: Database.Database) => void): string {
  const path = join(dir, name);
  copyFileSync(fixture.database, path);
  const db = new Database(path);
  try {
    change(db);
  } finally {
    db.close();
  }
  return path;
}

/** startDashboard must reject with `code`, and nothing may listen on the port afterwards. */
async function refused(database: string, code: string, message: RegExp): Promise<DashboardError> {
  const port = await freePort();
  const error = await startDashboard({ database, port }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DashboardError);
  expect(error).toBeInstanceOf(ParslError);
  const e = error as DashboardError;
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  expect(e.hint).toBeTruthy();
  expect(e.describe()).toContain(`[${code}]`);
  expect(await listening(port)).toBe(false);
  return e;
}

describe('openMonitoringDatabase', () => {
  it('agrees with the writer on how a parsl-ts database is recognised and which version it writes', () => {
    expect(MONITORING_APPLICATION_ID).toBe(APPLICATION_ID);
    expect(SUPPORTED_SCHEMA_VERSIONS).toContain(SCHEMA_VERSION);
  });

  it('opens a database recorded by MonitoringHub read-only', () => {
    const { db, schemaVersion, path } = openMonitoringDatabase(fixture.database);
    try {
      expect(schemaVersion).toBe(SCHEMA_VERSION);
      expect(path).toBe(fixture.database);
      expect(db.readonly).toBe(true);
      expect(() => db.prepare('DELETE FROM task').run()).toThrow(/readonly/i);
      expect(db.prepare('SELECT count(*) FROM workflow').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });

  it('refuses a file that does not exist', async () => {
    const e = await refused(join(dir, 'nowhere', 'monitoring.db'), DashboardErrorCodes.DatabaseNotFound, /does not exist/);
    expect(e.hint).toMatch(/--db/);
  });

  it('refuses a folder', async () => {
    mkdirSync(join(dir, 'a-folder.db'));
    await refused(join(dir, 'a-folder.db'), DashboardErrorCodes.DatabaseNotFound, /not a file/);
  });

  it('refuses a file that is not SQLite, and an empty file', async () => {
    writeFileSync(join(dir, 'notes.db'), 'these are my notes, not a database\n'.repeat(20));
    await refused(join(dir, 'notes.db'), DashboardErrorCodes.NotMonitoringDatabase, /not a SQLite database/);
    writeFileSync(join(dir, 'empty.db'), '');
    await refused(join(dir, 'empty.db'), DashboardErrorCodes.NotMonitoringDatabase, /not a SQLite database/);
  });

  it('refuses a SQLite database of another program, naming its application_id', async () => {
    const path = join(dir, 'other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE workflow (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE task (id INTEGER); INSERT INTO workflow VALUES (1, \'x\')');
    db.close();
    const e = await refused(path, DashboardErrorCodes.NotMonitoringDatabase, /SQLite database but not a parsl-ts monitoring database \(its application_id is 0/);
    expect(e.hint).toMatch(/monitoring-sqlite/);
  });

  it('refuses a schema version it does not know, telling which way to upgrade', async () => {
    const newer = alteredCopy('newer.db', (db) => db.pragma('user_version = 99'));
    const e = await refused(newer, DashboardErrorCodes.SchemaVersion, /schema version 99; this dashboard reads version 1/);
    expect(e.hint).toMatch(/upgrade @parsl-ts\/monitoring-dashboard/);
    const older = alteredCopy('older.db', (db) => db.pragma('user_version = 0'));
    const o = await refused(older, DashboardErrorCodes.SchemaVersion, /schema version 0/);
    expect(o.hint).toMatch(/older/);
  });

  it('refuses a database whose tables lack columns the dashboard reads', async () => {
    const damaged = alteredCopy('damaged.db', (db) => {
      db.exec('ALTER TABLE task DROP COLUMN stdout; DROP TABLE resource');
    });
    await refused(damaged, DashboardErrorCodes.NotMonitoringDatabase, /lacks task\.stdout, table resource/);
  });
});

describe('startDashboard options and listening', () => {
  it('refuses bad options with PARSL_DASHBOARD_BAD_OPTION naming the option', async () => {
    const bad = async (options: Record<string, unknown>, message: RegExp): Promise<void> => {
      const e = await startDashboard(options as never).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(DashboardError);
      expect((e as DashboardError).code).toBe(DashboardErrorCodes.BadOption);
      expect((e as DashboardError).message).toMatch(message);
    };
    await bad({ database: fixture.database, port: 70000 }, /port must be a whole number from 0 to 65535, got 70000/);
    await bad({ database: fixture.database, port: 1.5 }, /port/);
    await bad({ database: '' }, /needs the path of a monitoring database/);
    await bad({ database: fixture.database, host: 'two words' }, /host/);
    await bad({ database: fixture.database, colour: 'blue' }, /unknown dashboard option "colour"/);
  });

  it('a port in use gives PARSL_DASHBOARD_LISTEN with a hint, and closes the database', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const e = await startDashboard({ database: fixture.database, port }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(DashboardError);
      expect((e as DashboardError).code).toBe(DashboardErrorCodes.Listen);
      expect((e as DashboardError).message).toContain(`127.0.0.1:${port}`);
      expect((e as DashboardError).hint).toMatch(/--port 0/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('an address that is not this machine\'s gives PARSL_DASHBOARD_LISTEN', async () => {
    // 192.0.2.0/24 is reserved for documentation: never assigned to a local interface.
    const e = await startDashboard({ database: fixture.database, host: '192.0.2.1', port: 0 }).then(() => undefined, (x: unknown) => x);
    expect((e as DashboardError).code).toBe(DashboardErrorCodes.Listen);
    expect((e as DashboardError).hint).toMatch(/not an address of this machine/);
  });

  it('listens on 127.0.0.1 by default and stops cleanly', async () => {
    const port = await freePort();
    const dashboard = await startDashboard({ database: fixture.database, port });
    expect(dashboard.url).toBe(`http://127.0.0.1:${port}/`);
    expect(dashboard.host).toBe('127.0.0.1');
    expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await listening(port)).toBe(true);
    // It computes the newest run's charts ahead of the first request.
    await dashboard.warmedUp;
    await dashboard.close();
    await dashboard.close();
    expect(await listening(port)).toBe(false);
  });
});
