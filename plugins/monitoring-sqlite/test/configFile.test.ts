/**
 * A config file names the hub by package, like every plugin: `parsl.config.json` with
 * `"monitoring": { "package": "@parsl-ts/monitoring-sqlite", "options": {...} }` records the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { app, configFromFile, loadConfig, validateConfigFile } from '@parsl-ts/core';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { captureError } from '@parsl-ts/testing';
import { openReadOnly, rows } from './helpers/database.js';

// Inside the package, so the plugins resolve from the config file's folder as in a user's project.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('loading the hub from a config file', () => {
  it('records a run configured by parsl.config.json', async () => {
    dir = mkdtempSync(join(PACKAGE_DIR, '.config-test-'));
    const file = join(dir, 'parsl.config.json');
    writeFileSync(file, JSON.stringify({
      executors: [{ package: '@parsl-ts/executor-threads', options: { label: 'local', maxThreads: 2 } }],
      monitoring: { package: '@parsl-ts/monitoring-sqlite', options: { database: join(dir, 'runs.db'), resourceMonitoringInterval: 0 } },
      runDir: join(dir, 'runinfo'),
    }));
    expect(validateConfigFile(JSON.parse(JSON.stringify({ monitoring: { package: '@parsl-ts/monitoring-sqlite' } })))).toEqual([]);
    const config = await configFromFile(file);
    expect(config.monitoring).toBeInstanceOf(MonitoringHub);
    const dfk = await loadConfig(config);
    const inc = app((x: number) => x + 1, { name: 'inc' });
    expect(await Promise.all([inc(1), inc(2), inc(3)])).toEqual([2, 3, 4]);
    const runId = dfk.runId;
    await dfk.cleanup();
    const db = openReadOnly(join(dir, 'runs.db'));
    expect(rows(db, "SELECT count(*) AS n FROM task WHERE run_id = ? AND app_name = 'inc' AND state = 'exec_done'", runId)).toEqual([{ n: 3 }]);
    db.close();
  });

  it('reports bad options with the plugin\'s coded error', async () => {
    dir = mkdtempSync(join(PACKAGE_DIR, '.config-test-'));
    const file = join(dir, 'parsl.config.json');
    writeFileSync(file, JSON.stringify({ monitoring: { package: '@parsl-ts/monitoring-sqlite', options: { radio: 'smoke-signals' } } }));
    const error = await captureError(() => configFromFile(file));
    expect(error).toMatchObject({ code: 'PARSL_MONITORING_OPTIONS' });
    expect((error as Error).message).toMatch(/radio must be 'in-process', 'udp' or 'filesystem'/);
  });
});
