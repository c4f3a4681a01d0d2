// End-to-end: publish every package of the workspace to a local registry (verdaccio on
// 127.0.0.1, no uplinks), then, in empty folders outside the workspace and with plain npm:
//
//   1. install only @parsl-ts/core, @parsl-ts/cli, @parsl-ts/executor-htex and the provider its
//      worker pools need (@parsl-ts/provider-local: HTEX starts blocks through a provider and
//      ships none of its own), run a workflow with `npx parsl-ts run`, and check that no other
//      parsl-ts package came along;
//   2. generate a third-party executor (@acme/parsl-ts-executor-inline) with the installed
//      `parsl-ts plugin new`, install its dev dependencies from the registry, run its tests (the
//      executor conformance suite of the published @parsl-ts/testing), publish it, install it
//      into the project and run a workflow whose config file names it by package.
//
// Run by `node --test tools/` (so by `pnpm test` and CI) after the packages are built. Bounded:
// every command has a time limit and the whole test has one; verdaccio and every temporary
// folder are removed at the end, also on failure. With CI=true a registry that cannot be
// installed or started is a failure; elsewhere (no network for the one-time verdaccio install)
// the test is skipped with the reason.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packWorkspace, publishAll } from '../release/packages.mjs';
import { ensureVerdaccio, run, startRegistry } from '../release/registry.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
/** The packages the project installs by name (HTEX's blocks need a provider: provider-local). */
const INSTALLED = ['@parsl-ts/core', '@parsl-ts/cli', '@parsl-ts/executor-htex', '@parsl-ts/provider-local'];
const ACME_PLUGIN = '@acme/parsl-ts-executor-inline';

/**
 * The environment for npm and the workflows: the caller's, without what `pnpm test` puts there
 * for its own scripts (npm_config_*, npm_package_*), which would steer npm. npm_config_nodedir
 * stays (CI sets it for native builds).
 */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if ((lower.startsWith('npm_config_') && lower !== 'npm_config_nodedir') || lower.startsWith('npm_package_') || lower.startsWith('pnpm_') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', NODE_NO_WARNINGS: '1' };
}

/** Every package under node_modules (nested ones too), as names. */
function installedPackages(dir) {
  const names = [];
  const visit = (modules) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of scoped) {
        names.push(name);
        visit(join(modules, name, 'node_modules'));
      }
    }
  };
  visit(join(dir, 'node_modules'));
  return names;
}

const timings = {};
async function timed(label, work) {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Number(((performance.now() - started) / 1000).toFixed(1));
  }
}

describe('publish every package, install them one by one outside the workspace', { timeout: 600_000 }, () => {
  let registry;
  let work;
  let skipReason;
  const started = performance.now();
  const env = cleanEnv();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'parsl-ts-e2e-install-'));
    try {
      const home = await timed('install verdaccio (cached after the first run)', () => ensureVerdaccio());
      registry = await timed('start verdaccio', () => startRegistry({ home }));
    } catch (error) {
      if (IN_CI) throw error;
      skipReason = `no local registry: ${error.message.split('\n')[0]}`;
    }
  });

  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    timings.total = Number(((performance.now() - started) / 1000).toFixed(1));
    process.stdout.write(`# e2e-install timings (s): ${JSON.stringify(timings)}\n`);
  });

  const npm = (args, cwd, timeoutMs = 240_000) => run('npm', [...args, '--userconfig', registry.npmrc, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env, timeoutMs });
  const npx = (args, cwd, timeoutMs = 120_000) => run('npx', ['--no-install', ...args], { cwd, env, timeoutMs });

  test('every workspace package publishes to the local registry', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const packed = await timed('pack every package (pnpm pack)', () => packWorkspace(ROOT, join(work, 'tarballs')));
    await timed(`publish ${packed.length} packages (npm publish)`, () => publishAll(packed.map((p) => ({ name: p.name, path: p.tarball })), { registry: registry.url, npmrc: registry.npmrc, concurrency: 6 }));
    const all = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8'));
    for (const { name, version } of packed) {
      const response = await fetch(new URL(name.replace('/', '%2f'), registry.url));
      assert.equal(response.status, 200, `${name} is not in the registry`);
      const document = await response.json();
      assert.equal(document['dist-tags'].latest, version, name);
    }
    assert.ok(packed.some((p) => p.name === '@parsl-ts/core' && p.version === all.version));
    assert.ok(packed.length >= 20, `only ${packed.length} packages were published`);
  });

  test('a project installs core, the CLI and HTEX (+ its provider) and runs a workflow; nothing else comes along', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'e2e-project', private: true, type: 'module' }, null, 2)}\n`);
    await timed('npm install core, cli, executor-htex, provider-local', () => npm(['install', `--@parsl-ts:registry=${registry.url}`, ...INSTALLED], project));

    const parslPackages = installedPackages(project).filter((n) => n.startsWith('@parsl-ts/') || /(^|\/)parsl-ts-/.test(n));
    assert.deepEqual([...new Set(parslPackages)].sort(), [...INSTALLED].sort());
    const plugins = JSON.parse((await npx(['parsl-ts', 'plugins', '--json'], project)).stdout).plugins.map((p) => p.name);
    assert.deepEqual(plugins, ['@parsl-ts/executor-htex', '@parsl-ts/provider-local']);

    writeFileSync(join(project, 'parsl.config.json'), `${JSON.stringify({
      executors: [{
        package: '@parsl-ts/executor-htex',
        options: { label: 'htex', maxWorkersPerNode: 2, provider: { package: '@parsl-ts/provider-local', options: { initBlocks: 1, maxBlocks: 1 } } },
      }],
    }, null, 2)}\n`);
    writeFileSync(join(project, 'flow.ts'), `import { app, bashApp, configFromFile, loadConfig } from '@parsl-ts/core';

const square = app((x: number) => x * x, { name: 'square' });
const total = app((values: number[]) => values.reduce((sum, v) => sum + v, 0), { name: 'total' });
const where = bashApp(() => 'echo "pid $$ on $(hostname)"', { name: 'where' });

const dfk = await loadConfig(await configFromFile('parsl.config.json'));
try {
  const sum = await total(Array.from({ length: 100 }, (_, i) => square(i)));
  const exit = await where();
  const counts = dfk.counts();
  console.log(JSON.stringify({ sum, exit, done: counts.exec_done, failed: counts.failed }));
} finally {
  await dfk.cleanup();
}
`);
    const result = await timed('npx parsl-ts run flow.ts (HTEX)', () => npx(['parsl-ts', 'run', 'flow.ts', '--no-progress'], project));
    const line = result.stdout.trim().split('\n').pop();
    assert.deepEqual(JSON.parse(line), { sum: 328350, exit: 0, done: 102, failed: 0 });
    const log = readFileSync(join(project, 'runinfo', '000', 'parsl.log'), 'utf8');
    assert.match(log, /@parsl-ts\/executor-htex@[\d.]+ is experimental/);
    assert.match(log, /local job \S+: cancelled|executor stopped/);
  });

  test('a third-party executor made with `parsl-ts plugin new` passes its tests, publishes, installs and runs by package name', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const project = join(work, 'project');
    const pluginDir = join(work, 'acme-executor');
    const created = await npx(['parsl-ts', 'plugin', 'new', 'executor', 'inline', '--scope', '@acme', '--dir', pluginDir, '--owner', '@acme/hpc'], project);
    assert.match(created.stdout, /created @acme\/parsl-ts-executor-inline \(executor, experimental, core \^0\.\d+\.0\)/);

    await timed('npm install the plugin\'s dev dependencies (core and testing from the local registry)', () => npm(['install', `--@parsl-ts:registry=${registry.url}`], pluginDir));
    const tested = await timed('npm test of the plugin (tsc + conformance suite)', () => run('npm', ['test'], { cwd: pluginDir, env: { ...env, CI: 'true' }, timeoutMs: 300_000 }));
    assert.match(`${tested.stdout}\n${tested.stderr}`, /Test Files\s+2 passed/);
    assert.match(`${tested.stdout}\n${tested.stderr}`, /many tasks: 10,000 no-op tasks all resolve|Tests\s+\d+ passed/);
    await timed('npm publish the plugin', () => npm(['publish', '--registry', registry.url], pluginDir));

    await timed('npm install the plugin into the project', () => npm(['install', `--@acme:registry=${registry.url}`, `--@parsl-ts:registry=${registry.url}`, ACME_PLUGIN], project));
    const plugins = JSON.parse((await npx(['parsl-ts', 'plugins', '--json'], project)).stdout).plugins;
    assert.deepEqual(plugins.map((p) => [p.name, p.kind, p.maturity, p.compatible]), [
      [ACME_PLUGIN, 'executor', 'experimental', true],
      ['@parsl-ts/executor-htex', 'executor', 'experimental', true],
      ['@parsl-ts/provider-local', 'provider', 'experimental', true],
    ]);

    writeFileSync(join(project, 'acme.config.json'), `${JSON.stringify({ executors: [{ package: ACME_PLUGIN, options: { label: 'acme' } }] }, null, 2)}\n`);
    writeFileSync(join(project, 'acme-flow.ts'), `import { app, configFromFile, loadConfig } from '@parsl-ts/core';

const double = app((x: number) => 2 * x, { name: 'double' });
const dfk = await loadConfig(await configFromFile('acme.config.json'));
try {
  const results = await Promise.all([1, 2, 3].map((x) => double(x, { executors: ['acme'] })));
  console.log(JSON.stringify({ results, executors: dfk.executorLabels.map((label) => { const e = dfk.executor(label)!; return [e.label, e.kind, e.manifest?.name]; }) }));
} finally {
  await dfk.cleanup();
}
`);
    const result = await timed('npx parsl-ts run acme-flow.ts (third-party executor)', () => npx(['parsl-ts', 'run', 'acme-flow.ts', '--no-progress'], project));
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop()), { results: [2, 4, 6], executors: [['acme', 'inline', ACME_PLUGIN]] });
    const logs = readdirSync(join(project, 'runinfo')).map((run) => readFileSync(join(project, 'runinfo', run, 'parsl.log'), 'utf8')).join('\n');
    assert.match(logs, /@acme\/parsl-ts-executor-inline@0\.1\.0 is experimental/);
  });
});
