// The publishable packages of the workspace, packed as pnpm publishes them and published with npm.
//
// Plain Node ESM, no dependencies, no build.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPackages } from '../lint-plugins/lint-plugins.mjs';
import { run } from './registry.mjs';

/** The file name `pnpm pack` / `npm pack` gives a package's tarball. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Every package under packages/ and plugins/ that is not private: `{ name, version, dir, pkg }`,
 * sorted by folder. Throws when a package was not built (its `main` is missing), since a tarball
 * without dist/ would install but not load.
 */
export function publishablePackages(root) {
  const list = findPackages(resolve(root))
    .filter((entry) => entry.pkg && entry.pkg.private !== true)
    .map((entry) => ({ name: entry.pkg.name, version: entry.pkg.version, dir: entry.dir, pkg: entry.pkg }));
  const unbuilt = list.filter((p) => p.pkg.main !== undefined && !existsSync(join(p.dir, p.pkg.main)));
  if (unbuilt.length > 0) {
    throw new Error(`not built: ${unbuilt.map((p) => `${p.name} (${p.pkg.main})`).join(', ')} — run \`pnpm build\` first`);
  }
  return list;
}

/**
 * Pack every publishable package into `dest` in one `pnpm pack` (workspace ranges such as
 * `workspace:^` become the versions being published, as `pnpm publish` does). Returns
 * `[{ name, version, tarball }]`.
 */
export async function packWorkspace(root, dest, { timeoutMs = 120_000 } = {}) {
  const packages = publishablePackages(root);
  mkdirSync(dest, { recursive: true });
  await run('pnpm', ['-r', '--filter', './packages/*', '--filter', './plugins/*', 'pack', '--pack-destination', resolve(dest)], { cwd: resolve(root), timeoutMs });
  const present = new Set(readdirSync(dest));
  return packages.map((p) => {
    const file = tarballName(p.name, p.version);
    if (!present.has(file)) throw new Error(`pnpm pack did not write ${file} into ${dest}`);
    return { name: p.name, version: p.version, tarball: join(resolve(dest), file) };
  });
}

/**
 * Publish tarballs or package folders (absolute paths) with `npm publish`, `concurrency` at a
 * time, to `registry` with the userconfig `npmrc` (which holds the registry's token). Resolves to
 * the seconds each took; rejects on the first failure, with npm's output.
 */
export async function publishAll(items, { registry, npmrc, concurrency = 3, timeoutMs = 120_000, tag = 'latest' }) {
  const queue = [...items];
  const seconds = {};
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const started = performance.now();
      // An absolute path: npm reads `dir/name` as a GitHub shorthand.
      await run('npm', ['publish', resolve(item.path), '--registry', registry, '--userconfig', npmrc, '--tag', tag, '--access', 'public', '--loglevel=error'], { timeoutMs });
      seconds[item.name] = (performance.now() - started) / 1000;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return seconds;
}
