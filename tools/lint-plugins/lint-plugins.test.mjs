// Tests for tools/lint-plugins/lint-plugins.mjs: run with `node --test tools/`.
// Each test writes a small fake monorepo into os.tmpdir() and checks the exact problem codes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CODES, DOCS_SCRIPT, formatProblem, LINT_SCRIPT, importedSpecifiers, lintPlugins, main, markdownHeadings, parseVersion, README_HEADINGS, satisfies,
} from './lint-plugins.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'lint-plugins.mjs');
const made = [];
after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

/** A README with every heading and a Status table (override pieces through `opts`). */
function readme(name, version, maturity, opts = {}) {
  const headings = opts.headings ?? README_HEADINGS;
  const status = opts.status ?? `| Package | Version | Maturity | Core |\n|---|---|---|---|\n| [\`${name}\`](https://npm.im/${name}) | ${version} | ${maturity} | ^0.1.0 |\n`;
  return `# ${name}\n\nOne line.\n\n${headings.map((h) => `## ${h}\n\n${h === 'Status' ? status : 'Text.\n'}`).join('\n')}`;
}

function pluginPackage(folder, overrides = {}) {
  return {
    name: `@parsl-ts/${folder}`,
    version: '0.1.0',
    description: `The ${folder} plugin.`,
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
      './internal/*': null,
    },
    'parsl-ts': { kind: folder.split('-')[0], maturity: 'experimental' },
    peerDependencies: { '@parsl-ts/core': '^0.1.0' },
    devDependencies: { '@parsl-ts/core': 'workspace:^' },
    scripts: { lint: LINT_SCRIPT, docs: DOCS_SCRIPT },
    ...overrides,
  };
}

function corePackage(overrides = {}) {
  return {
    name: '@parsl-ts/core', version: '0.1.0', type: 'module', sideEffects: false,
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './internal/*': null },
    'parsl-ts': { kind: 'core', maturity: 'experimental' },
    scripts: { lint: LINT_SCRIPT, docs: DOCS_SCRIPT },
    ...overrides,
  };
}

const GOOD_SOURCE = "import { definePlugin } from '@parsl-ts/core';\nimport { runBashCommand } from '@parsl-ts/core/worker';\nexport const plugin = definePlugin({} as never);\n";

/**
 * Write a fake monorepo. `packages` maps a folder (`plugins/executor-x`) to
 * `{ pkg, readme?: string | null, files?: { 'src/a.ts': '...' } }`; readme defaults to a good one.
 */
function repo(packages) {
  const root = mkdtempSync(join(tmpdir(), 'lint-plugins-'));
  made.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fake-root', private: true }));
  const all = { 'packages/core': { pkg: corePackage() }, ...packages };
  for (const [folder, spec] of Object.entries(all)) {
    if (spec === null) continue;
    const dir = join(root, folder);
    mkdirSync(join(dir, 'src'), { recursive: true });
    if (spec.rawPackageJson !== undefined) writeFileSync(join(dir, 'package.json'), spec.rawPackageJson);
    else writeFileSync(join(dir, 'package.json'), JSON.stringify(spec.pkg, null, 2));
    const pkg = spec.pkg ?? {};
    const text = spec.readme === undefined ? readme(pkg.name, pkg.version, pkg['parsl-ts']?.maturity) : spec.readme;
    if (text !== null) writeFileSync(join(dir, 'README.md'), text);
    const files = spec.files ?? { 'src/index.ts': GOOD_SOURCE };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }
  return root;
}

const codes = (root) => lintPlugins({ root }).problems.map((p) => p.code).sort();
const problems = (root) => lintPlugins({ root }).problems;

describe('a good workspace', () => {
  test('has no problems', () => {
    const root = repo({
      'plugins/executor-good': { pkg: pluginPackage('executor-good') },
      'plugins/serializer-good': { pkg: pluginPackage('serializer-good', { version: '1.4.2', 'parsl-ts': { kind: 'serializer', maturity: 'stable' } }) },
      'plugins/provider-old': { pkg: pluginPackage('provider-old', { version: '2.0.0', 'parsl-ts': { kind: 'provider', maturity: 'deprecated' } }) },
      'packages/cli': { pkg: corePackage({ name: '@parsl-ts/cli', 'parsl-ts': { kind: 'cli', maturity: 'experimental' }, dependencies: { '@parsl-ts/core': 'workspace:^' } }) },
      'packages/testing': { pkg: corePackage({ name: '@parsl-ts/testing', 'parsl-ts': { kind: 'testing', maturity: 'beta' } }) },
    });
    const result = lintPlugins({ root });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.packages, ['packages/cli', 'packages/core', 'packages/testing', 'plugins/executor-good', 'plugins/provider-old', 'plugins/serializer-good']);
  });

  test('tests and comments may mention other plugins; core subpaths and string literals are fine', () => {
    const root = repo({
      'plugins/executor-good': {
        pkg: pluginPackage('executor-good', { devDependencies: { '@parsl-ts/core': 'workspace:^', '@parsl-ts/serializer-good': 'workspace:^' } }),
        files: {
          'src/index.ts': [
            GOOD_SOURCE,
            '/** @example',
            " * import { X } from '@parsl-ts/serializer-good';",
            ' */',
            "// import '@parsl-ts/serializer-good';",
            "const fallback = { package: '@parsl-ts/serializer-good' }; // plain data, loaded by core",
            "const url = 'http://x//y'; import { a } from './a.js';",
            'const tpl = `from "@parsl-ts/serializer-good"`;',
          ].join('\n'),
          'test/index.test.ts': "import { msgpack } from '@parsl-ts/serializer-good';\n",
        },
      },
      'plugins/serializer-good': { pkg: pluginPackage('serializer-good') },
    });
    assert.deepEqual(problems(root), []);
  });
});

describe('(a) core as a peer dependency', () => {
  test('core in dependencies and not a peer', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { peerDependencies: undefined, dependencies: { '@parsl-ts/core': '^0.1.0' } }) } });
    assert.deepEqual(codes(root), ['CORE_IN_DEPENDENCIES', 'PEER_CORE_MISSING']);
  });

  test('devDependency missing or not workspace:^', () => {
    const a = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { devDependencies: {} }) } });
    assert.deepEqual(codes(a), ['DEV_CORE_MISSING']);
    const b = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { devDependencies: { '@parsl-ts/core': '^0.1.0' } }) } });
    assert.deepEqual(codes(b), ['DEV_CORE_MISSING']);
  });

  test('peer range that excludes the workspace core or is not a range', () => {
    const a = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { peerDependencies: { '@parsl-ts/core': '^0.2.0' } }) } });
    assert.deepEqual(codes(a), ['PEER_CORE_RANGE']);
    const b = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { peerDependencies: { '@parsl-ts/core': 'workspace:^' } }) } });
    assert.deepEqual(codes(b), ['PEER_CORE_RANGE']);
    const c = repo({ 'plugins/executor-ok': { pkg: pluginPackage('executor-ok', { peerDependencies: { '@parsl-ts/core': '>=0.1.0 <2 || ^3.0.0' } }) } });
    assert.deepEqual(codes(c), []);
  });

  test('a plugin that depends on another first-party plugin', () => {
    const root = repo({
      'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { dependencies: { '@parsl-ts/serializer-good': '^0.1.0', '@parsl-ts/launchers-x': '^0.1.0' } }) },
      'plugins/serializer-good': { pkg: pluginPackage('serializer-good') },
    });
    assert.deepEqual(codes(root), ['PLUGIN_DEPENDENCY', 'PLUGIN_DEPENDENCY']);
  });

  test('core, cli and testing are exempt from the peer rule', () => {
    const root = repo({
      'packages/cli': { pkg: corePackage({ name: '@parsl-ts/cli', 'parsl-ts': { kind: 'cli', maturity: 'experimental' }, dependencies: { '@parsl-ts/core': 'workspace:^', '@parsl-ts/executor-x': 'workspace:^' } }) },
    });
    assert.deepEqual(codes(root), []);
  });

  test('a plugin kind under packages/ follows the plugin rules', () => {
    const root = repo({ 'packages/launchers': { pkg: pluginPackage('launchers', { 'parsl-ts': { kind: 'launcher', maturity: 'beta' }, peerDependencies: {} }) } });
    assert.deepEqual(codes(root), ['PEER_CORE_MISSING']);
  });
});

describe('(b) "parsl-ts" metadata', () => {
  test('missing field', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { 'parsl-ts': undefined }) } });
    assert.deepEqual(codes(root), ['META_MISSING']);
  });

  test('unknown kind, core kind in plugins/, unknown maturity', () => {
    const a = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { 'parsl-ts': { kind: 'thing', maturity: 'experimental' } }) } });
    assert.deepEqual(codes(a), ['META_KIND']);
    const b = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { 'parsl-ts': { kind: 'core', maturity: 'experimental' } }) } });
    assert.deepEqual(codes(b), ['META_KIND']);
    const c = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { 'parsl-ts': { kind: 'executor', maturity: 'alpha' } }), readme: readme('@parsl-ts/executor-bad', '0.1.0', 'experimental') } });
    assert.deepEqual(codes(c), ['META_MATURITY']);
    const d = repo({ 'packages/cli': { pkg: corePackage({ name: '@parsl-ts/cli', 'parsl-ts': { kind: 'cli' } }), readme: readme('@parsl-ts/cli', '0.1.0', 'experimental') } });
    assert.deepEqual(codes(d), ['META_MATURITY']);
  });
});

describe('(c) version agrees with maturity', () => {
  test('stable below 1.0, experimental and beta at 1.x', () => {
    const a = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { 'parsl-ts': { kind: 'executor', maturity: 'stable' } }) } });
    assert.deepEqual(codes(a), ['VERSION_MATURITY']);
    const b = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { version: '1.2.0' }) } });
    assert.deepEqual(codes(b), ['VERSION_MATURITY']);
    const c = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { version: '1.0.0', 'parsl-ts': { kind: 'executor', maturity: 'beta' } }) } });
    assert.deepEqual(codes(c), ['VERSION_MATURITY']);
    const d = repo({ 'plugins/executor-ok': { pkg: pluginPackage('executor-ok', { version: '0.9.0-next.1', 'parsl-ts': { kind: 'executor', maturity: 'beta' } }) } });
    assert.deepEqual(codes(d), []);
  });

  test('not a version', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { version: '0.1' }) } });
    assert.deepEqual(codes(root), ['VERSION_INVALID']);
  });
});

describe('(d) README', () => {
  const pkg = pluginPackage('executor-bad');
  const name = pkg.name;

  test('missing README', () => {
    const root = repo({ 'plugins/executor-bad': { pkg, readme: null } });
    assert.deepEqual(problems(root).map((p) => [p.path, p.code]), [['plugins/executor-bad/README.md', 'README_MISSING']]);
  });

  test('missing headings, one problem each', () => {
    const root = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'experimental', { headings: README_HEADINGS.filter((h) => h !== 'Security' && h !== 'Use') }) } });
    assert.deepEqual(codes(root), ['README_HEADING_MISSING', 'README_HEADING_MISSING']);
    assert.match(problems(root)[0].message, /"Use"/);
  });

  test('headings out of order', () => {
    const order = ['What is this?', 'Status', 'When should I use this?', 'Install', 'Use', 'API', 'Compatibility', 'Security'];
    const root = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'experimental', { headings: order }) } });
    assert.deepEqual(codes(root), ['README_HEADING_ORDER']);
  });

  test('headings inside code fences do not count', () => {
    const text = readme(name, '0.1.0', 'experimental', { headings: README_HEADINGS.filter((h) => h !== 'Security') }) + '\n```md\n## Security\n```\n';
    const root = repo({ 'plugins/executor-bad': { pkg, readme: text } });
    assert.deepEqual(codes(root), ['README_HEADING_MISSING']);
  });

  test('Status without a table, or without the needed columns', () => {
    const a = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'experimental', { status: 'Experimental, 0.1.0.\n' }) } });
    assert.deepEqual(codes(a), ['README_STATUS_TABLE']);
    const b = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'experimental', { status: `| Package | Maturity |\n|---|---|\n| ${name} | experimental |\n` }) } });
    assert.deepEqual(codes(b), ['README_STATUS_TABLE']);
  });

  test('a table after the Status section does not count', () => {
    const text = readme(name, '0.1.0', 'experimental', { status: 'See below.\n' }) + `\n| Package | Version | Maturity |\n|---|---|---|\n| ${name} | 0.1.0 | experimental |\n`;
    const root = repo({ 'plugins/executor-bad': { pkg, readme: text } });
    assert.deepEqual(codes(root), ['README_STATUS_TABLE']);
  });

  test('no row for the package', () => {
    const root = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'experimental', { status: '| Package | Version | Maturity |\n|---|---|---|\n| @parsl-ts/other | 0.1.0 | experimental |\n' }) } });
    assert.deepEqual(codes(root), ['README_STATUS_ROW']);
  });

  test('the row disagrees with package.json', () => {
    const a = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.1.0', 'beta') } });
    assert.deepEqual(codes(a), ['README_STATUS_MATURITY']);
    const b = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.0.9', 'experimental') } });
    assert.deepEqual(codes(b), ['README_STATUS_VERSION']);
    const c = repo({ 'plugins/executor-bad': { pkg, readme: readme(name, '0.2.0', 'stable') } });
    assert.deepEqual(codes(c), ['README_STATUS_MATURITY', 'README_STATUS_VERSION']);
  });

  test('decorated cells are accepted (links, code, bold, badges, v prefix)', () => {
    const status = `| Name | Version | Status |\n|:---|:---:|---|\n| **[\`${name}\`](./)** | \`v0.1.0\` | 🧪 **Experimental** |\n`;
    const root = repo({ 'plugins/executor-ok': { pkg: pluginPackage('executor-ok'), readme: readme('@parsl-ts/executor-ok', '0.1.0', 'x', { status: status.replace(name, '@parsl-ts/executor-ok') }) } });
    assert.deepEqual(codes(root), []);
  });
});

describe('(e) module format and export map', () => {
  const exp = (e) => ({ exports: e });
  test('no exports', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp(undefined)) } });
    assert.deepEqual(codes(root), ['EXPORTS_MISSING']);
    const s = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp('./dist/index.js')) } });
    assert.deepEqual(codes(s), ['EXPORTS_MISSING']);
  });

  test('types not first (top level and nested), and types missing', () => {
    const root = repo({
      'plugins/executor-bad': {
        pkg: pluginPackage('executor-bad', exp({
          '.': { import: './dist/index.js', types: './dist/index.d.ts', default: './dist/index.js' },
          './worker': { types: './dist/worker.d.ts', node: { import: './dist/worker.js', types: './dist/worker.d.ts' } },
          './extra': { import: './dist/extra.js' },
          './internal/*': null,
        })),
      },
    });
    assert.deepEqual(codes(root), ['EXPORTS_TYPES_FIRST', 'EXPORTS_TYPES_FIRST', 'EXPORTS_TYPES_FIRST']);
  });

  test('no "./internal/*": null', () => {
    const a = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } })) } });
    assert.deepEqual(codes(a), ['EXPORTS_INTERNAL']);
    const b = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp({ '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './internal/*': './dist/internal/*.js' })) } });
    assert.deepEqual(codes(b), ['EXPORTS_INTERNAL']);
  });

  test('a plugin\'s "." needs a "default" condition (core itself does not)', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp({ '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './internal/*': null })) } });
    assert.deepEqual(codes(root), ['EXPORTS_DEFAULT']);
  });

  test('require-only entry', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', exp({ '.': { types: './dist/index.d.ts', require: './dist/index.cjs' }, './internal/*': null })) } });
    assert.deepEqual(codes(root), ['EXPORTS_DEFAULT', 'EXPORTS_REQUIRE_ONLY']);
  });

  test('type and sideEffects', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { type: 'commonjs', sideEffects: undefined }) } });
    assert.deepEqual(codes(root), ['SIDE_EFFECTS', 'TYPE_MODULE']);
  });
});

describe('(h) per-package lint and docs scripts', () => {
  test('missing, or another command', () => {
    const root = repo({
      'plugins/executor-nodocs': { pkg: pluginPackage('executor-nodocs', { scripts: { lint: LINT_SCRIPT } }) },
      'plugins/executor-none': { pkg: pluginPackage('executor-none', { scripts: { test: 'vitest run' } }) },
      'plugins/executor-other': { pkg: pluginPackage('executor-other', { scripts: { lint: 'eslint .', docs: 'typedoc' } }) },
    });
    assert.deepEqual(problems(root).map((p) => [p.path, p.code]), [
      ['plugins/executor-nodocs/package.json', 'DOCS_SCRIPT'],
      ['plugins/executor-none/package.json', 'LINT_SCRIPT'], ['plugins/executor-none/package.json', 'DOCS_SCRIPT'],
      ['plugins/executor-other/package.json', 'LINT_SCRIPT'], ['plugins/executor-other/package.json', 'DOCS_SCRIPT'],
    ]);
  });

  test('--package checks one package, still comparing it with the workspace', () => {
    const root = repo({
      'plugins/executor-good': { pkg: pluginPackage('executor-good') },
      'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { sideEffects: true }) },
      // The plugins' peer range ^0.1.0 excludes this core: known only by reading core's package too.
      'packages/core': { pkg: corePackage({ version: '2.0.0', 'parsl-ts': { kind: 'core', maturity: 'stable' } }), readme: readme('@parsl-ts/core', '2.0.0', 'stable') },
    });
    assert.deepEqual(lintPlugins({ root, only: join(root, 'plugins/executor-bad') }).problems.map((p) => p.code), ['PEER_CORE_RANGE', 'SIDE_EFFECTS']);
    const one = lintPlugins({ root, only: join(root, 'packages/core') });
    assert.deepEqual([one.packages, one.problems], [['packages/core'], []]);
    assert.throws(() => lintPlugins({ root, only: join(root, 'docs') }), /is not a package folder/);
  });
});

describe('(f) npm name', () => {
  test('name must be @parsl-ts/<folder>', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { name: '@parsl-ts/executor-other' }), readme: readme('@parsl-ts/executor-other', '0.1.0', 'experimental') } });
    assert.deepEqual(codes(root), ['NAME']);
  });

  test('unreadable package.json', () => {
    const root = repo({ 'plugins/executor-bad': { rawPackageJson: '{ "name": ', readme: null } });
    assert.deepEqual(problems(root).map((p) => [p.path, p.code]), [['plugins/executor-bad/package.json', 'PKG_JSON']]);
  });
});

describe('(g) plugins import only core', () => {
  test('static, side-effect, re-export, dynamic and require imports of other packages', () => {
    const root = repo({
      'plugins/executor-bad': {
        pkg: pluginPackage('executor-bad'),
        files: {
          'src/index.ts': `${GOOD_SOURCE}import { x } from '@parsl-ts/serializer-good';\n`,
          'src/nested/more.ts': [
            "import '@parsl-ts/launchers';",
            "export * from '@parsl-ts/provider-local/sub';",
            "const m = await import('@parsl-ts/testing');",
            "const r = require('@parsl-ts/serializer-good');",
            "import type { T } from '@parsl-ts/serializer-good';",
          ].join('\n'),
        },
      },
      'plugins/serializer-good': { pkg: pluginPackage('serializer-good') },
    });
    const found = problems(root).map((p) => [p.path, p.code]);
    assert.deepEqual(found, [
      ['plugins/executor-bad/src/index.ts:4', 'PLUGIN_IMPORT'],
      ['plugins/executor-bad/src/nested/more.ts:1', 'PLUGIN_IMPORT'],
      ['plugins/executor-bad/src/nested/more.ts:2', 'PLUGIN_IMPORT'],
      ['plugins/executor-bad/src/nested/more.ts:3', 'PLUGIN_IMPORT'],
      ['plugins/executor-bad/src/nested/more.ts:4', 'PLUGIN_IMPORT'],
      ['plugins/executor-bad/src/nested/more.ts:5', 'PLUGIN_IMPORT'],
    ]);
  });
});

describe('manifest literals agree with package.json', () => {
  test('kind and maturity written in definePlugin({...})', () => {
    const manifest = (kind, maturity) => [
      "import { definePlugin } from '@parsl-ts/core';",
      'const other = { kind: "serializer", maturity: "stable" }; // not in a manifest',
      'export const plugin = definePlugin({',
      `  name: pkg.name, version: pkg.version, kind: '${kind}', maturity: '${maturity}',`,
      "  coreRange: '^0.1.0', factories: { X: (o) => new X(o) }, defaultFactory: 'X',",
      '});',
    ].join('\n');
    const good = repo({ 'plugins/executor-ok': { pkg: pluginPackage('executor-ok'), files: { 'src/index.ts': manifest('executor', 'experimental') } } });
    assert.deepEqual(codes(good), []);
    const bad = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad'), files: { 'src/index.ts': manifest('provider', 'beta') } } });
    assert.deepEqual(problems(bad).map((p) => [p.path, p.code]), [
      ['plugins/executor-bad/src/index.ts:4', 'MANIFEST_MISMATCH'],
      ['plugins/executor-bad/src/index.ts:4', 'MANIFEST_MISMATCH'],
    ]);
    const computed = repo({ 'plugins/executor-ok': { pkg: pluginPackage('executor-ok'), files: { 'src/index.ts': "export const plugin = definePlugin({ kind: meta.kind, maturity: meta.maturity } as never);\n" } } });
    assert.deepEqual(codes(computed), []);
  });
});

describe('helpers', () => {
  test('satisfies: the range forms peerDependencies use', () => {
    const yes = [['0.1.0', '^0.1.0'], ['0.1.9', '^0.1.0'], ['1.4.0', '^1.2.3'], ['1.2.9', '~1.2.3'], ['2.0.0', '>=1.0.0'], ['1.9.9', '1.x'],
      ['0.1.0', '*'], ['1.5.0', '1.0.0 - 2.0.0'], ['3.1.0', '^1.0.0 || ^3.0.0'], ['0.0.3', '0.0.3'], ['1.0.0', '>= 1.0.0 < 2'], ['0.2.0-rc.1', '^0.2.0-rc.0']];
    const no = [['0.2.0', '^0.1.0'], ['2.0.0', '^1.2.3'], ['1.3.0', '~1.2.3'], ['0.9.0', '>=1.0.0'], ['2.0.0', '1.x'], ['0.2.0-beta.1', '^0.1.0'],
      ['0.0.4', '^0.0.3'], ['2.0.1', '1.0.0 - 2.0.0'], ['1.0.0', 'workspace:^'], ['1.0.0', 'latest']];
    for (const [version, range] of yes) assert.equal(satisfies(version, range), true, `${version} ${range}`);
    for (const [version, range] of no) assert.equal(satisfies(version, range), false, `${version} ${range}`);
  });

  test('parseVersion', () => {
    assert.deepEqual(parseVersion('1.2.3-rc.1+build'), { major: 1, minor: 2, patch: 3, pre: ['rc', '1'] });
    assert.equal(parseVersion('1.2'), undefined);
    assert.equal(parseVersion('01.2.3'), undefined);
  });

  test('importedSpecifiers ignores comments, strings, regexes and look-alikes', () => {
    const source = [
      "// import 'a';",
      "/* import 'b' */",
      "import c from 'c';",
      'export { d } from "d";',
      "const re = /'/g; const half = a / b / 2; const o = { from: 'no1' }; obj.import('no2');",
      "const s = 'import \"no3\"'; const t = `from 'no4'`; const q = x.replace(/[\"']/g, '');",
      'const m = await import(`e`); if (x) return /"/.test(y);',
      "import type { F } from 'f'; const g = require('g'); const h = import.meta.resolve('h');",
    ].join('\n');
    const found = importedSpecifiers(source).map((s) => `${s.specifier}:${s.line}`);
    assert.deepEqual(found, ['c:3', 'd:4', 'e:7', 'f:8', 'g:8', 'h:8']);
  });

  test('markdownHeadings', () => {
    assert.deepEqual(markdownHeadings('# A\n```\n# no\n```\n## B ##\n####### no\n').map((h) => `${h.level}${h.text}`), ['1A', '2B']);
  });

  test('every problem has a documented code', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { type: 'commonjs', exports: undefined, peerDependencies: {} }), readme: null } });
    for (const p of problems(root)) assert.ok(Object.hasOwn(CODES, p.code), p.code);
  });
});

describe('command line', () => {
  const run = (...args) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

  test('exit 0 and a summary on a good workspace', () => {
    const root = repo({ 'plugins/executor-good': { pkg: pluginPackage('executor-good') } });
    const r = run('--root', root);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim(), 'lint-plugins: 2 package(s) checked, no problems');
  });

  test('exit 1, one `path: [CODE] message (fix: hint)` line per problem, then a summary', () => {
    const root = repo({ 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { sideEffects: true, devDependencies: {} }) } });
    const r = run(`--root=${root}`);
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^plugins\/executor-bad\/package\.json: \[DEV_CORE_MISSING\] .+ \(fix: .+\)$/);
    assert.match(lines[1], /^plugins\/executor-bad\/package\.json: \[SIDE_EFFECTS\] .+ \(fix: .+\)$/);
    assert.equal(lines[2], 'lint-plugins: 2 package(s) checked, 2 problem(s) in 1 package(s)');
  });

  test('--package from a package folder, as its lint script runs it', () => {
    const root = repo({ 'plugins/executor-good': { pkg: pluginPackage('executor-good') }, 'plugins/executor-bad': { pkg: pluginPackage('executor-bad', { sideEffects: true }) } });
    const inFolder = (folder) => spawnSync(process.execPath, [SCRIPT, '--root', root, '--package', '.'], { encoding: 'utf8', cwd: join(root, folder) });
    const good = inFolder('plugins/executor-good');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.equal(good.stdout.trim(), 'lint-plugins: 1 package(s) checked, no problems');
    const bad = inFolder('plugins/executor-bad');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /^plugins\/executor-bad\/package\.json: \[SIDE_EFFECTS\]/);
    const outside = inFolder('plugins');
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /is not a package folder/);
  });

  test('bad arguments exit 2', () => {
    assert.equal(run('--nope').status, 2);
    assert.equal(run('--package').status, 2);
    assert.equal(run('--root', join(tmpdir(), 'does-not-exist-lint-plugins')).status, 2);
  });

  test('main() and formatProblem can be called from code', () => {
    const root = repo({});
    const out = [];
    assert.equal(main(['--root', root], (l) => out.push(l), (l) => out.push(l)), 0);
    assert.deepEqual(out, ['lint-plugins: 1 package(s) checked, no problems']);
    assert.equal(formatProblem({ path: 'a', code: 'B', message: 'c', hint: 'd' }), 'a: [B] c (fix: d)');
  });
});
