// Tests for tools/release: run with `node --test tools/`. The registry itself is exercised by
// tools/e2e-install; these check the release plan (on the real .changeset/ folder, so a changeset
// that would break the maturity rules fails here, before anything is published) and the
// rewriting of packed packages into the planned release.

import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './release-local.mjs';
import { tarballName } from './packages.mjs';
import { applyPlanToManifest, applyPlanToReadme, publishedSpec, releasePlan, releasePlanProblems } from './releasePlan.mjs';
import { npmrcFor, verdaccioConfig } from './registry.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the release plan of the pending changesets', () => {
  test('keeps every experimental and beta package at 0.x and every plugin in range of the next core', { timeout: 60_000 }, async () => {
    const plan = await releasePlan(ROOT);
    const problems = releasePlanProblems(plan);
    assert.deepEqual(problems.map((p) => `[${p.code}] ${p.message} — fix: ${p.hint}`), []);
    const core = plan.packages.find((p) => p.name === '@parsl-ts/core');
    assert.ok(core, 'core is in the plan');
    if (plan.pending > 0) {
      // Every package with a changeset gets a CHANGELOG entry for its new version.
      for (const p of plan.packages.filter((x) => x.to !== x.from)) {
        assert.match(p.changelog ?? '', new RegExp(`^## ${p.to.replace(/\./g, '\\.')}$`, 'm'), `${p.name} has no CHANGELOG section for ${p.to}`);
      }
    }
  });
});

describe('releasePlanProblems', () => {
  const entry = (name, from, to, maturity, peer) => ({
    name, from, to, maturity, private: false, pkg: { name, version: to, ...(peer ? { peerDependencies: { '@parsl-ts/core': peer } } : {}) },
  });

  test('flags an experimental plugin pushed to 1.0.0 and a plugin out of range of the new core', () => {
    const problems = releasePlanProblems({
      pending: 2,
      packages: [
        entry('@parsl-ts/core', '0.1.0', '0.2.0', 'experimental'),
        entry('@parsl-ts/executor-x', '0.1.0', '1.0.0', 'experimental', '^0.2.0'),
        entry('@parsl-ts/provider-y', '0.1.0', '0.1.0', 'beta', '^0.1.0'),
        entry('@parsl-ts/store-z', '1.2.0', '1.2.1', 'stable', '^0.1.0 || ^0.2.0'),
      ],
    });
    assert.deepEqual(problems.map((p) => [p.package, p.code]), [
      ['@parsl-ts/executor-x', 'VERSION_MATURITY'],
      ['@parsl-ts/provider-y', 'PEER_CORE_RANGE'],
    ]);
    assert.match(problems[0].hint, /patch/);
  });

  test('flags a stable package released below 1.0.0', () => {
    const problems = releasePlanProblems({ pending: 1, packages: [entry('@parsl-ts/core', '0.1.0', '0.1.1', 'experimental'), entry('@parsl-ts/a', '0.9.0', '0.9.1', 'stable', '^0.1.0')] });
    assert.deepEqual(problems.map((p) => p.code), ['VERSION_MATURITY']);
  });
});

describe('staging the planned release', () => {
  test('publishedSpec turns workspace ranges into what pnpm publishes', () => {
    assert.equal(publishedSpec('workspace:^', '0.1.1'), '^0.1.1');
    assert.equal(publishedSpec('workspace:~', '0.1.1'), '~0.1.1');
    assert.equal(publishedSpec('workspace:*', '0.1.1'), '0.1.1');
    assert.equal(publishedSpec('workspace:^0.1.0', '0.1.1'), '^0.1.0');
    assert.equal(publishedSpec('^0.1.0', '9.9.9'), '^0.1.0');
  });

  test('applyPlanToManifest sets the version and the planned @parsl-ts ranges, and leaves other dependencies alone', () => {
    const packed = {
      name: '@parsl-ts/cli', version: '0.1.0',
      dependencies: { '@parsl-ts/core': '^0.1.0', commander: '14.0.3' },
      devDependencies: { '@parsl-ts/executor-threads': '^0.1.0', vitest: '4.1.12' },
    };
    const planned = {
      name: '@parsl-ts/cli', version: '0.1.1',
      dependencies: { '@parsl-ts/core': 'workspace:^', commander: '14.0.3' },
      devDependencies: { '@parsl-ts/executor-threads': 'workspace:^', vitest: '4.1.12' },
    };
    const out = applyPlanToManifest(packed, planned, new Map([['@parsl-ts/core', '0.1.1'], ['@parsl-ts/executor-threads', '0.1.2']]));
    assert.equal(out.version, '0.1.1');
    assert.deepEqual(out.dependencies, { '@parsl-ts/core': '^0.1.1', commander: '14.0.3' });
    assert.deepEqual(out.devDependencies, { '@parsl-ts/executor-threads': '^0.1.2', vitest: '4.1.12' });
    assert.equal(packed.version, '0.1.0', 'the packed manifest is not modified');
  });

  test('applyPlanToReadme changes the version cell of the package\'s Status row only', () => {
    const readme = '## Status\n\n| Package | Version | Maturity |\n| --- | --- | --- |\n| `@parsl-ts/a` | 0.1.0 | experimental |\n| `@parsl-ts/b` | 0.1.0 | beta |\n\nSince 0.1.0.\n';
    assert.equal(applyPlanToReadme(readme, '@parsl-ts/a', '0.1.0', '0.1.1'),
      '## Status\n\n| Package | Version | Maturity |\n| --- | --- | --- |\n| `@parsl-ts/a` | 0.1.1 | experimental |\n| `@parsl-ts/b` | 0.1.0 | beta |\n\nSince 0.1.0.\n');
  });

  test('tarball names are those of npm pack', () => {
    assert.equal(tarballName('@parsl-ts/core', '0.1.0'), 'parsl-ts-core-0.1.0.tgz');
    assert.equal(tarballName('parsl-ts-executor-x', '1.0.0'), 'parsl-ts-executor-x-1.0.0.tgz');
  });
});

describe('registry config and command line', () => {
  test('verdaccio gets no uplinks, open publishing and the given storage', () => {
    const config = verdaccioConfig('/tmp/x/storage');
    assert.match(config, /^uplinks: \{\}$/m);
    assert.doesNotMatch(config, /proxy:/);
    assert.match(config, /publish: \$all/);
    assert.match(config, /^storage: "\/tmp\/x\/storage"$/m);
  });

  test('the npm userconfig carries a token for the registry host only', () => {
    assert.match(npmrcFor('http://127.0.0.1:4999/'), /^\/\/127\.0\.0\.1:4999\/:_authToken=\S+$/m);
  });

  test('release:local options', () => {
    assert.deepEqual(parseArgs([]), { versionPackages: false, port: undefined, storage: undefined, build: true, exit: false, concurrency: 6 });
    const options = parseArgs(['--version-packages', '--port', '4873', '--no-build', '--exit', '--concurrency', '6']);
    assert.equal(options.versionPackages, true);
    assert.equal(options.port, 4873);
    assert.equal(options.build, false);
    assert.equal(options.concurrency, 6);
    assert.throws(() => parseArgs(['--port', 'x']), /port/);
    assert.throws(() => parseArgs(['--bogus']), /unknown argument --bogus/);
  });
});
