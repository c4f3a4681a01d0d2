/**
 * `parsl-ts visualize` as users install it: the CLI copied into a project's node_modules with its
 * own dependencies — first without @parsl-ts/monitoring-dashboard (a coded error says how to
 * install it), then with it, over a database written by the real MonitoringHub.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app, loadConfig } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
import { REPO, runCommand, tempDir } from './helpers.js';

const CLI = join(REPO, 'packages/cli');
const requireFromCli = createRequire(join(CLI, 'package.json'));

/** The folder of an installed package (its package.json's), as the CLI's own dependencies resolve it. */
function packageDir(name: string): string {
  let dir = dirname(requireFromCli.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${name} above ${requireFromCli.resolve(name)}`);
    dir = parent;
  }
  return realpathSync(dir);
}

/**
 * A project folder with node_modules/@parsl-ts/cli (a copy: the workspace's own CLI folder would
 * resolve its devDependencies) and the CLI's runtime dependencies; with the dashboard when asked.
 */
/** The child's environment: without the NODE_PATH that pnpm's binaries set (it lists every package of the workspace). */
const ENV = { NODE_PATH: '' };

function project(withDashboard: boolean): { dir: string; bin: string; remove: () => void } {
  const tmp = tempDir('parsl-ts-visualize-');
  const modules = join(tmp.dir, 'node_modules');
  const cli = join(modules, '@parsl-ts', 'cli');
  mkdirSync(cli, { recursive: true });
  cpSync(join(CLI, 'dist'), join(cli, 'dist'), { recursive: true });
  cpSync(join(CLI, 'package.json'), join(cli, 'package.json'));
  for (const dep of ['commander', 'semver', 'tsx']) symlinkSync(packageDir(dep), join(modules, dep), 'dir');
  symlinkSync(join(REPO, 'packages/core'), join(modules, '@parsl-ts', 'core'), 'dir');
  if (withDashboard) symlinkSync(join(REPO, 'plugins/monitoring-dashboard'), join(modules, '@parsl-ts', 'monitoring-dashboard'), 'dir');
  return { dir: tmp.dir, bin: join(cli, 'dist', 'bin.js'), remove: tmp.remove };
}

describe('parsl-ts visualize without @parsl-ts/monitoring-dashboard', () => {
  const p = project(false);
  afterAll(() => p.remove());

  it('exits 1 with PARSL_CLI_DASHBOARD_MISSING and the install command', async () => {
    const result = await runCommand(process.execPath, [p.bin, 'visualize', '--port', '0'], { cwd: p.dir, env: ENV, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('✗ [PARSL_CLI_DASHBOARD_MISSING] parsl-ts visualize needs @parsl-ts/monitoring-dashboard, which is not installed here');
    expect(result.stderr).toContain('hint: install it: npm install --save-dev @parsl-ts/monitoring-dashboard');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks its options before looking for the dashboard', async () => {
    const result = await runCommand(process.execPath, [p.bin, 'visualize', '--port', '99999'], { cwd: p.dir, env: ENV, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PARSL_CLI_BAD_OPTION] --port must be a whole number from 0 to 65535, got 99999');
    const word = await runCommand(process.execPath, [p.bin, 'visualize', '--port', 'http'], { cwd: p.dir, env: ENV, timeoutMs: 20_000 });
    expect(word.stderr).toContain('[PARSL_CLI_BAD_OPTION] --port must be a whole number from 0 to 65535, got "http"');
  });
});

describe('parsl-ts visualize with @parsl-ts/monitoring-dashboard', () => {
  const p = project(true);
  const database = join(p.dir, 'runinfo', 'monitoring.db');
  let runId: string;

  beforeAll(async () => {
    const square = app((x: number) => x * x, { name: 'square' });
    const dfk = await loadConfig({
      name: 'cli-visualize', runDir: join(p.dir, 'runinfo'),
      executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
      monitoring: new MonitoringHub({ database, resourceMonitoringInterval: 0 }),
    });
    runId = dfk.runId;
    try {
      expect(await Promise.all([1, 2, 3, 4].map((x) => square(x)))).toEqual([1, 4, 9, 16]);
    } finally {
      await dfk.cleanup();
    }
  });
  afterAll(() => p.remove());

  it('serves the dashboard of runinfo/monitoring.db, prints its URL and stops on SIGINT with exit code 0', async () => {
    const child = spawn(process.execPath, [p.bin, 'visualize', '--port', '0'], { cwd: p.dir, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      const deadline = Date.now() + 20_000;
      while (!/dashboard at (http:\/\/\S+)/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed; stdout: ${stdout} stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /dashboard at (http:\/\/\S+)/.exec(stdout)![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(stdout).toContain(`parsl-ts visualize: ${realpathSync(database)} (schema v1)`);
      const workflows = await (await fetch(`${url}api/workflows`)).json() as { workflows: { runId: string; name: string; tasks: { total: number; done: number } }[] };
      expect(workflows.workflows).toEqual([expect.objectContaining({ runId, name: 'cli-visualize', tasks: expect.objectContaining({ total: 4, done: 4 }) })]);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/js/main.js">');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toContain('parsl-ts visualize: stopped (SIGINT)');
      expect(stderr).toBe('');
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a file that is not a monitoring database with the dashboard\'s coded error', async () => {
    writeFileSync(join(p.dir, 'notes.db'), 'not a database');
    const result = await runCommand(process.execPath, [p.bin, 'visualize', 'notes.db', '--port', '0'], { cwd: p.dir, env: ENV, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ [PARSL_DASHBOARD_NOT_MONITORING_DB] ${realpathSync(p.dir)}/notes.db is not a SQLite database`);
    expect(result.stderr).toContain('hint: ');
  });

  it('refuses a database that does not exist, naming the path it looked at', async () => {
    const result = await runCommand(process.execPath, [p.bin, 'visualize', '--db', 'elsewhere/monitoring.db', '--port', '0'], { cwd: p.dir, env: ENV, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ [PARSL_DASHBOARD_DB_NOT_FOUND] monitoring database ${realpathSync(p.dir)}/elsewhere/monitoring.db does not exist`);
    expect(result.stderr).toContain('hint: pass the database MonitoringHub writes');
  });
});
