// What `changeset version` would release, computed in a throwaway copy so the repository's
// package.json files, CHANGELOGs and .changeset/ folder are never touched: every package's next
// version, its package.json as changesets rewrites it, and its CHANGELOG.
//
// Plain Node ESM, no dependencies, no build.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPackages, satisfies } from '../lint-plugins/lint-plugins.mjs';
import { run } from './registry.mjs';

const CORE = '@parsl-ts/core';
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/**
 * Run `changeset version` on a skeleton copy of the workspace (root package.json,
 * pnpm-workspace.yaml, .changeset/, and each package's package.json and CHANGELOG.md) and read
 * the result. Returns `{ packages: [{ name, folder, from, to, pkg, changelog }], pending }`,
 * where `pending` is the number of changesets that were consumed.
 */
export async function releasePlan(root, { timeoutMs = 60_000 } = {}) {
  root = resolve(root);
  const copy = mkdtempSync(join(tmpdir(), 'parsl-ts-release-plan-'));
  try {
    for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, file), join(copy, file));
    cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
    const packages = findPackages(root).filter((e) => e.pkg);
    for (const entry of packages) {
      mkdirSync(join(copy, entry.rel), { recursive: true });
      cpSync(join(entry.dir, 'package.json'), join(copy, entry.rel, 'package.json'));
      if (existsSync(join(entry.dir, 'CHANGELOG.md'))) cpSync(join(entry.dir, 'CHANGELOG.md'), join(copy, entry.rel, 'CHANGELOG.md'));
    }
    // The workspace file may list folders (docs/examples) that are not copied: changesets only
    // needs the packages that exist, so a workspace file of just these two globs is written.
    writeFileSync(join(copy, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - plugins/*\n');
    // changesets resolves its changelog generator from the working folder.
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const pending = countChangesets(join(copy, '.changeset'));
    await run(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], { cwd: copy, timeoutMs });
    return {
      pending,
      packages: packages.map((entry) => {
        const pkg = JSON.parse(readFileSync(join(copy, entry.rel, 'package.json'), 'utf8'));
        const changelogFile = join(copy, entry.rel, 'CHANGELOG.md');
        return {
          name: entry.pkg.name, folder: entry.rel, from: entry.pkg.version, to: pkg.version, private: pkg.private === true,
          maturity: pkg['parsl-ts']?.maturity, pkg, changelog: existsSync(changelogFile) ? readFileSync(changelogFile, 'utf8') : undefined,
        };
      }),
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function countChangesets(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').length;
}

/**
 * What is wrong with a release plan, as `{ package, code, message, hint }`: an experimental or
 * beta package that would reach 1.0.0 (changesets gives a MAJOR bump to plugins whose peer range
 * a core release leaves, and to any `major` changeset), a stable one that would be below 1.0.0,
 * and a plugin whose peer range would not include the core being released.
 */
export function releasePlanProblems(plan) {
  const problems = [];
  const core = plan.packages.find((p) => p.name === CORE);
  for (const p of plan.packages) {
    if (p.private) continue;
    const major = Number(String(p.to).split('.')[0]);
    if ((p.maturity === 'experimental' || p.maturity === 'beta') && major >= 1) {
      problems.push({
        package: p.name, code: 'VERSION_MATURITY',
        message: `${p.name} (${p.maturity}) would go from ${p.from} to ${p.to}`,
        hint: `a 0.x package takes \`patch\` for features and fixes and \`minor\` for breaking changes; a core \`minor\` leaves the plugins' peer range ^${core?.from ?? '0.1.0'} and changesets then bumps them to 1.0.0 — see docs/maturity.md#versions-and-changesets`,
      });
    }
    if (p.maturity === 'stable' && major < 1) {
      problems.push({ package: p.name, code: 'VERSION_MATURITY', message: `${p.name} is stable but would be released as ${p.to}`, hint: 'a stable package is >= 1.0.0: promote it with a `major` changeset' });
    }
    const peer = p.pkg.peerDependencies?.[CORE];
    if (core && peer !== undefined && !peer.startsWith('workspace:') && !satisfies(core.to, peer)) {
      problems.push({
        package: p.name, code: 'PEER_CORE_RANGE',
        message: `${p.name} supports @parsl-ts/core ${peer}, which excludes the core being released (${core.to})`,
        hint: 'test the plugin against the new core and widen its peer range, or release a core patch instead',
      });
    }
  }
  return problems;
}

/** The published form of a dependency spec: `workspace:^` → `^<version>`, as pnpm publishes it. */
export function publishedSpec(spec, version) {
  const m = /^workspace:(.*)$/.exec(spec);
  if (!m) return spec;
  if (m[1] === '^' || m[1] === '~') return `${m[1]}${version}`;
  if (m[1] === '*' || m[1] === '') return version;
  return m[1];
}

/**
 * Turn a packed package.json (current versions) into the one of the planned release: its new
 * version, and each `@parsl-ts/*` dependency range as changesets wrote it, published as pnpm
 * does. `versions` maps package names to their planned versions.
 */
export function applyPlanToManifest(packed, planned, versions) {
  const out = { ...packed, version: planned.version };
  for (const field of DEPENDENCY_FIELDS) {
    if (!packed[field]) continue;
    out[field] = { ...packed[field] };
    for (const name of Object.keys(out[field])) {
      if (!name.startsWith('@parsl-ts/')) continue;
      const spec = planned[field]?.[name];
      if (spec === undefined) continue;
      out[field][name] = publishedSpec(spec, versions.get(name) ?? packed[field][name]);
    }
  }
  return out;
}

/** Put the planned version into a README's Status row for `name` (the cell that held `from`). */
export function applyPlanToReadme(text, name, from, to) {
  return text.split('\n').map((line) => (line.startsWith('|') && line.includes(name) ? line.replace(new RegExp(`\\|\\s*v?${from.replace(/\./g, '\\.')}\\s*\\|`), `| ${to} |`) : line)).join('\n');
}
