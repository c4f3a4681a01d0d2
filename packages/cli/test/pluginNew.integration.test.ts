/**
 * `parsl-ts plugin new`: every kind is generated outside the workspace (a third party's layout),
 * compiled with tsc, and its own tests run with vitest — the executor's run the conformance suite
 * of @parsl-ts/testing. The dependencies a user would install from the registry are linked from
 * the workspace (the end-to-end test in tools/e2e-install installs them from a registry for real).
 * First-party plugins are generated into a repository layout and checked by the plugin lint.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { SCAFFOLD_KINDS } from '../src/scaffold/pluginNames.js';
import { CORE_VERSION, REPO, runCli } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'parsl-ts-plugin-new-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const requireFromCli = createRequire(join(REPO, 'packages/cli/package.json'));
const requireFromRoot = createRequire(join(REPO, 'package.json'));
/** The folder of an installed package, seen from the workspace root. */
function packageDir(name: string): string {
  return realpathSync(dirname(requireFromRoot.resolve(`${name}/package.json`)));
}

/** node_modules next to the generated plugins: what `npm install` would give them. */
function linkDependencies(root: string): void {
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@parsl-ts'), { recursive: true });
  mkdirSync(join(modules, '@types'), { recursive: true });
  symlinkSync(join(REPO, 'packages/core'), join(modules, '@parsl-ts/core'));
  symlinkSync(join(REPO, 'packages/testing'), join(modules, '@parsl-ts/testing'));
  symlinkSync(packageDir('typescript'), join(modules, 'typescript'));
  symlinkSync(packageDir('vitest'), join(modules, 'vitest'));
  symlinkSync(realpathSync(dirname(requireFromCli.resolve('@types/node/package.json'))), join(modules, '@types/node'));
}

function run(command: string, args: string[], cwd: string, timeout = 240_000): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('parsl-ts plugin new (standalone, every kind)', () => {
  const root = join(work, 'third-party');
  mkdirSync(root, { recursive: true });
  linkDependencies(root);

  it('generates each kind with the package.json, README and tests a plugin needs', async () => {
    for (const kind of SCAFFOLD_KINDS) {
      const result = await runCli(['plugin', 'new', kind, 'demo', '--scope', '@acme', '--dir', kind, '--owner', '@acme/team'], { cwd: root });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`@acme/parsl-ts-${kind}-demo`);
      const pkg = JSON.parse(readFileSync(join(root, kind, 'package.json'), 'utf8')) as Record<string, any>;
      expect(pkg.name).toBe(`@acme/parsl-ts-${kind}-demo`);
      expect(pkg['parsl-ts']).toEqual({ kind, maturity: 'experimental' });
      expect(pkg.peerDependencies).toEqual({ '@parsl-ts/core': `^${CORE_VERSION.replace(/\.\d+$/, '.0')}` });
      expect(pkg.dependencies).toBeUndefined();
      expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
      expect(pkg.exports['./internal/*']).toBeNull();
      const readme = readFileSync(join(root, kind, 'README.md'), 'utf8');
      expect(readme).toMatch(new RegExp(`\\| \`@acme/parsl-ts-${kind}-demo\` \\| ${kind} \\| 0\\.1\\.0 \\| experimental \\|`));
      expect(existsSync(join(root, kind, kind === 'executor' ? 'test/conformance.test.ts' : 'test/manifest.test.ts'))).toBe(true);
    }
  });

  it('builds every generated plugin, and its tests typecheck, with strict TypeScript', () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    // `npm run build` of each, in one tsc process (each package's own tsconfig.json).
    const build = run(process.execPath, [tsc, '-b', ...SCAFFOLD_KINDS], root);
    expect(build.status, build.output).toBe(0);
    for (const kind of SCAFFOLD_KINDS) expect(existsSync(join(root, kind, 'dist/index.d.ts')), kind).toBe(true);
    // Each test/tsconfig.json, as one program (they share everything but their own files).
    const testConfig = JSON.parse(readFileSync(join(root, 'executor/test/tsconfig.json'), 'utf8')) as { compilerOptions: object };
    const base = JSON.parse(readFileSync(join(root, 'executor/tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    const { rootDir: _r, outDir: _o, tsBuildInfoFile: _t, ...shared } = base.compilerOptions;
    writeFileSync(join(root, 'tsconfig.tests.json'), JSON.stringify({
      compilerOptions: { ...shared, ...testConfig.compilerOptions, rootDir: '.' },
      include: SCAFFOLD_KINDS.flatMap((k) => [`${k}/src/**/*.ts`, `${k}/test/**/*.ts`]),
    }));
    const typecheck = run(process.execPath, [tsc, '-p', 'tsconfig.tests.json'], root);
    expect(typecheck.status, typecheck.output).toBe(0);
  }, 240_000);

  it("passes every generated plugin's own tests (the executor runs the conformance suite)", () => {
    // One vitest run over all of them: each generated folder is a project.
    writeFileSync(join(root, 'vitest.config.ts'), `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { projects: ${JSON.stringify(SCAFFOLD_KINDS.map((k) => k))} } });\n`);
    const { status, output } = run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose'], root);
    expect(status, output).toBe(0);
    for (const kind of SCAFFOLD_KINDS) expect(output).toContain(`parsl-ts-${kind}-demo`);
    expect(output).toMatch(/✓ .*many tasks: 10,000 no-op tasks all resolve/);
    expect(output).toMatch(/Test Files\s+18 passed \(18\)/);
    expect(output).not.toMatch(/Tests\s+.*\d+ failed/);
  }, 240_000);
});

describe('parsl-ts plugin new (first party, in the repository layout)', () => {
  it('writes plugins/<kind>-<name> with a changeset, and the plugin lint passes for every kind', async () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, 'packages/core'), { recursive: true });
    mkdirSync(join(repo, 'plugins'));
    mkdirSync(join(repo, '.changeset'));
    cpSync(join(REPO, 'pnpm-workspace.yaml'), join(repo, 'pnpm-workspace.yaml'));
    for (const file of ['package.json', 'README.md']) cpSync(join(REPO, 'packages/core', file), join(repo, 'packages/core', file));
    for (const kind of SCAFFOLD_KINDS) {
      const result = await runCli(['plugin', 'new', kind, 'demo', '--scope', '@parsl-ts'], { cwd: join(repo, 'plugins') });
      expect(result.code, result.stderr).toBe(0);
      const pkg = JSON.parse(readFileSync(join(repo, 'plugins', `${kind}-demo`, 'package.json'), 'utf8')) as Record<string, any>;
      expect(pkg.name).toBe(`@parsl-ts/${kind}-demo`);
      expect(pkg.devDependencies['@parsl-ts/core']).toBe('workspace:^');
      expect(readFileSync(join(repo, '.changeset', `${kind}-demo-initial.md`), 'utf8')).toContain(`"@parsl-ts/${kind}-demo": patch`);
    }
    const lint = run(process.execPath, [join(REPO, 'tools/lint-plugins/lint-plugins.mjs'), '--root', repo], repo);
    expect(lint.output).toContain('no problems');
    expect(lint.status).toBe(0);
  });

  it('refuses @parsl-ts outside the repository, a used folder, a bad name and an unknown kind, with codes', async () => {
    const outside = mkdtempSync(join(work, 'outside-'));
    const cases: [string[], string, RegExp][] = [
      [['plugin', 'new', 'executor', 'x', '--scope', '@parsl-ts'], 'PARSL_CLI_BAD_OPTION', /inside the parsl-ts repository/],
      [['plugin', 'new', 'executor', 'Bad_Name'], 'PARSL_CLI_BAD_OPTION', /lower-case words/],
      [['plugin', 'new', 'executor', 'executor-x'], 'PARSL_CLI_BAD_OPTION', /repeats the kind/],
      [['plugin', 'new', 'widget', 'x'], 'PARSL_CLI_BAD_OPTION', /unknown plugin kind "widget"/],
      [['plugin', 'new', 'executor', 'x', '--scope', 'Not A Scope'], 'PARSL_CLI_BAD_OPTION', /scope/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args, { cwd: outside });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`[${code}]`);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('hint:');
    }
    mkdirSync(join(outside, 'taken'));
    writeFileSync(join(outside, 'taken', 'keep.txt'), 'mine');
    const taken = await runCli(['plugin', 'new', 'store', 'x', '--dir', 'taken'], { cwd: outside });
    expect(taken.stderr).toContain('[PARSL_CLI_SCAFFOLD_EXISTS]');
    expect(readFileSync(join(outside, 'taken', 'keep.txt'), 'utf8')).toBe('mine');
  });
});
