#!/usr/bin/env node
// `pnpm release:local`: publish every package of the workspace to a local npm registry
// (verdaccio on 127.0.0.1, no uplinks), to rehearse a release or to install parsl-ts packages one
// by one into a project outside the workspace.
//
//   pnpm release:local                      # build, publish the current versions, keep serving
//   pnpm release:local --version-packages   # publish what `changeset version` would release,
//                                           # with its versions and CHANGELOGs (the repository's
//                                           # files are not changed: it works on a copy)
//   ... [--port 4873] [--storage <dir>] [--no-build] [--exit] [--concurrency 3]
//
// Without --exit the registry keeps running until Ctrl+C, and the command prints how to install
// from it. The storage is a temporary folder removed at exit unless --storage names one.
//
// Plain Node ESM, no dependencies (verdaccio is installed into a side folder on first use).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packWorkspace, publishAll } from './packages.mjs';
import { applyPlanToManifest, applyPlanToReadme, releasePlan, releasePlanProblems } from './releasePlan.mjs';
import { ensureVerdaccio, run, startRegistry } from './registry.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function usage() {
  return 'usage: pnpm release:local [--version-packages] [--port N] [--storage <dir>] [--no-build] [--exit] [--concurrency N]';
}

/** Parse the command line; throws on anything unknown. */
export function parseArgs(argv) {
  const options = { versionPackages: false, port: undefined, storage: undefined, build: true, exit: false, concurrency: 6 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--version-packages') options.versionPackages = true;
    else if (a === '--port') options.port = Number(value());
    else if (a === '--storage') options.storage = resolve(value());
    else if (a === '--no-build') options.build = false;
    else if (a === '--exit') options.exit = true;
    else if (a === '--concurrency') options.concurrency = Number(value());
    else if (a === '--help' || a === '-h') options.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) throw new Error('--port must be a port number');
  if (!(Number.isInteger(options.concurrency) && options.concurrency > 0)) throw new Error('--concurrency must be a whole number > 0');
  return options;
}

/**
 * Stage the packed tarballs as the planned release: extract each, set the planned version and
 * dependency ranges, put the planned CHANGELOG next to it and the version into its README's
 * Status row. Returns folders to publish.
 */
async function stagePlannedRelease(packed, plan, stagingDir) {
  const planned = new Map(plan.packages.map((p) => [p.name, p]));
  const versions = new Map(plan.packages.map((p) => [p.name, p.to]));
  const items = [];
  for (const { name, tarball } of packed) {
    const entry = planned.get(name);
    const dir = join(stagingDir, name.replace('/', '__'));
    mkdirSync(dir, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', dir]);
    const folder = join(dir, 'package');
    const pkgFile = join(folder, 'package.json');
    const pkg = applyPlanToManifest(JSON.parse(readFileSync(pkgFile, 'utf8')), entry.pkg, versions);
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    if (entry.changelog !== undefined) writeFileSync(join(folder, 'CHANGELOG.md'), entry.changelog);
    try {
      const readme = join(folder, 'README.md');
      writeFileSync(readme, applyPlanToReadme(readFileSync(readme, 'utf8'), name, entry.from, entry.to));
    } catch {
      // no README in the package: nothing to update
    }
    items.push({ name, version: entry.to, path: folder });
  }
  return items;
}

/** Publish the workspace to a fresh local registry; returns the running registry and a report. */
export async function releaseLocal(options, log = (line) => process.stderr.write(`${line}\n`)) {
  const timings = {};
  const time = async (label, work) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[label] = Number(((performance.now() - started) / 1000).toFixed(1));
    }
  };
  if (options.build) {
    log('building every package (turbo run build) ...');
    await time('build', () => run('pnpm', ['run', 'build'], { cwd: ROOT, timeoutMs: 600_000 }));
  }
  let plan;
  if (options.versionPackages) {
    plan = await time('changeset version (on a copy)', () => releasePlan(ROOT));
    const problems = releasePlanProblems(plan);
    if (problems.length > 0) {
      throw new Error(`the pending changesets would make a release that breaks the maturity rules:\n${problems.map((p) => `  [${p.code}] ${p.message}\n    fix: ${p.hint}`).join('\n')}`);
    }
  }
  const home = await time('install verdaccio (once)', () => ensureVerdaccio({ log }));
  const registry = await time('start verdaccio', () => startRegistry({ home, port: options.port, dir: options.storage }));
  const work = mkdtempSync(join(tmpdir(), 'parsl-ts-release-'));
  try {
    const packed = await time('pack', () => packWorkspace(ROOT, join(work, 'tarballs')));
    const items = plan
      ? await stagePlannedRelease(packed, plan, join(work, 'staged'))
      : packed.map((p) => ({ name: p.name, version: p.version, path: p.tarball }));
    await time('publish', () => publishAll(items, { registry: registry.url, npmrc: registry.npmrc, concurrency: options.concurrency }));
    return { registry, published: items.map(({ name, version }) => ({ name, version })), timings };
  } catch (error) {
    await registry.stop();
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`release:local: ${error.message}\n${usage()}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const { registry, published, timings } = await releaseLocal(options);
  const width = Math.max(...published.map((p) => p.name.length));
  process.stdout.write(`published ${published.length} packages to ${registry.url}\n`);
  for (const p of published) process.stdout.write(`  ${p.name.padEnd(width)}  ${p.version}\n`);
  process.stdout.write(`timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(' · ')}\n`);
  if (options.exit) {
    await registry.stop();
    return 0;
  }
  process.stdout.write([
    '',
    'Install from it in a project outside the workspace, e.g.:',
    `  npm install --@parsl-ts:registry=${registry.url} @parsl-ts/core @parsl-ts/cli @parsl-ts/executor-threads`,
    `Publish your own plugin to it: npm publish --registry ${registry.url} --userconfig ${registry.npmrc}`,
    `Storage: ${join(registry.dir, 'storage')}${options.storage ? '' : ' (removed at exit)'}`,
    'Press Ctrl+C to stop the registry.',
    '',
  ].join('\n'));
  await new Promise((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await registry.stop();
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
    process.stderr.write(`release:local: ${error.message}\n`);
    process.exitCode = 1;
  });
}
