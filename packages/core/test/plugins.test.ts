import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CORE_VERSION, ErrorCodes, PluginError, configFromFile, definePlugin, instantiatePlugin, loadPlugin, registerPlugin, validateConfigFile,
  importFrom, isPluginEntry, type PluginManifest,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'parsl-plugins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakePlugin(name: string, coreRange: string, kind = 'executor'): string {
  const pkgDir = join(dir, 'node_modules', ...name.split('/'));
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name, version: '0.2.0', type: 'module', exports: { '.': { default: './index.js' } } }));
  writeFileSync(join(pkgDir, 'index.js'), `
    export class Fake { constructor(o) { this.label = o.label ?? 'fake'; this.kind = 'fake'; this.outstanding = 0; this.options = o; }
      async start() {} async submit() { return 1; } async shutdown() {} }
    export const plugin = { name: ${JSON.stringify(name)}, version: '0.2.0', kind: ${JSON.stringify(kind)}, maturity: 'experimental',
      coreRange: ${JSON.stringify(coreRange)}, factories: { Fake: (o) => new Fake(o) }, defaultFactory: 'Fake' };`);
  return pkgDir;
}

const manifest = (over: Partial<PluginManifest> = {}): PluginManifest => definePlugin({
  name: '@acme/parsl-ts-executor-ok', version: '0.1.0', kind: 'executor', maturity: 'beta', coreRange: `^${CORE_VERSION}`,
  factories: { X: () => ({}) }, defaultFactory: 'X', ...over,
});

describe('plugin loading', () => {
  it('registers a compatible manifest', () => {
    expect(registerPlugin(manifest()).name).toBe('@acme/parsl-ts-executor-ok');
  });

  it('refuses an incompatible core range, naming both versions', () => {
    let error: PluginError | undefined;
    try {
      registerPlugin(manifest({ name: '@acme/old', coreRange: '^9.0.0' }));
    } catch (e) {
      error = e as PluginError;
    }
    expect(error?.code).toBe(ErrorCodes.PluginIncompatible);
    expect(error?.message).toContain('^9.0.0');
    expect(error?.message).toContain(CORE_VERSION);
    expect(error?.hint).toContain(CORE_VERSION);
  });

  it('lists every problem of an invalid manifest', () => {
    expect(() => registerPlugin({ ...manifest({ name: '@acme/bad' }), kind: 'teleporter', maturity: 'alpha', defaultFactory: 'Nope' } as never))
      .toThrow(/kind must be one of.*maturity must be one of.*defaultFactory "Nope"/);
  });

  it('says how to install a missing plugin', async () => {
    await expect(loadPlugin('@acme/not-installed', (s) => importFrom(s, dir))).rejects.toMatchObject({
      code: ErrorCodes.PluginLoad, hint: 'install it: npm install @acme/not-installed',
    });
  });

  it('loads a plugin by package and instantiates it through the container', async () => {
    fakePlugin('@acme/parsl-ts-executor-fake', '>=0.1.0');
    const executor = await instantiatePlugin<{ label: string }>({ package: '@acme/parsl-ts-executor-fake', options: { label: 'x' } }, 'executor', (s) => importFrom(s, dir));
    expect(executor.label).toBe('x');
    await expect(instantiatePlugin({ package: '@acme/parsl-ts-executor-fake' }, 'serializer', (s) => importFrom(s, dir)))
      .rejects.toThrow(/is a executor plugin, but a serializer was expected/);
  });

  it('builds a Config from a JSON file naming plugins by package', async () => {
    fakePlugin('@acme/parsl-ts-executor-file', '>=0.1.0');
    const file = join(dir, 'parsl.config.json');
    writeFileSync(file, JSON.stringify({ executors: [{ package: '@acme/parsl-ts-executor-file', options: { label: 'from-file' } }], retries: 2 }));
    const config = await configFromFile(file);
    expect(config.executors?.[0]?.label).toBe('from-file');
    expect(config.retries).toBe(2);
  });

  it('instantiates plugin entries nested in options (a provider inside an executor), from the config file\'s folder', async () => {
    fakePlugin('@acme/parsl-ts-executor-outer', '>=0.1.0');
    fakePlugin('@acme/parsl-ts-provider-inner', '>=0.1.0', 'provider');
    const file = join(dir, 'nested.config.json');
    writeFileSync(file, JSON.stringify({ executors: [{ package: '@acme/parsl-ts-executor-outer', options: {
      label: 'outer',
      provider: { package: '@acme/parsl-ts-provider-inner', options: { label: 'inner', deeper: [{ package: '@acme/parsl-ts-provider-inner', options: { label: 'deepest' } }] } },
      // Not plugin entries: extra keys, or a package that is not a string.
      notAnEntry: { package: '@acme/parsl-ts-provider-inner', color: 'blue' },
      alsoNot: { package: 42 },
    } }] }));
    const config = await configFromFile(file);
    const options = (config.executors![0] as unknown as { options: Record<string, unknown> }).options;
    const provider = options.provider as { label: string; kind: string; options: { deeper: { label: string }[] } };
    expect(provider.label).toBe('inner');
    expect(provider.kind).toBe('fake');
    expect(provider.options.deeper[0]!.label).toBe('deepest');
    expect(options.notAnEntry).toEqual({ package: '@acme/parsl-ts-provider-inner', color: 'blue' });
    expect(options.alsoNot).toEqual({ package: 42 });
    expect(isPluginEntry({ package: 'x', export: 'Y', options: {} })).toBe(true);
    expect(isPluginEntry({ package: 'x', options: [] })).toBe(false);
    // A nested entry that is not installed fails naming it.
    writeFileSync(file, JSON.stringify({ executors: [{ package: '@acme/parsl-ts-executor-outer', options: { provider: { package: '@acme/parsl-ts-provider-missing' } } }] }));
    await expect(configFromFile(file)).rejects.toThrow(/@acme\/parsl-ts-provider-missing/);
  });

  it('refuses a config file naming an incompatible plugin', async () => {
    fakePlugin('@acme/parsl-ts-executor-old', '^9.0.0');
    const file = join(dir, 'old.config.json');
    writeFileSync(file, JSON.stringify({ executors: [{ package: '@acme/parsl-ts-executor-old' }] }));
    await expect(configFromFile(file)).rejects.toMatchObject({ code: ErrorCodes.PluginIncompatible });
  });

  it('validates config files and reports each problem with its path', () => {
    const problems = validateConfigFile({ executors: [{ options: [] }], retries: 1.5, colour: 'blue' } as never);
    expect(problems.map((p) => p.path)).toEqual(['colour', 'executors[0].package', 'executors[0].options', 'retries']);
  });

  it('reports unreadable and malformed config files', async () => {
    await expect(configFromFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: ErrorCodes.ConfigFile, hint: 'check the path' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "executors": [ ');
    await expect(configFromFile(bad)).rejects.toMatchObject({ code: ErrorCodes.ConfigFile, message: expect.stringContaining('not valid JSON') });
  });
});

describe('duplicate core detection', () => {
  it('refuses to load a config when a second copy of core registered itself', async () => {
    const { assertSingleCore, loadedCoreCopies, loadConfig } = await import('../src/index.js');
    expect(loadedCoreCopies()).toHaveLength(1);
    expect(() => assertSingleCore()).not.toThrow();
    const registry = loadedCoreCopies() as { url: string; version: string }[];
    registry.push({ url: 'file:///elsewhere/node_modules/@parsl-ts/core/dist/index.js', version: '0.0.9' });
    try {
      await expect(loadConfig({})).rejects.toMatchObject({
        code: ErrorCodes.DuplicateCore, message: expect.stringContaining('0.0.9 at /elsewhere/node_modules/@parsl-ts/core/dist/index.js'),
      });
    } finally {
      registry.pop();
    }
  });
});

describe('executors created with new', () => {
  it('are checked against the running core through their manifest', async () => {
    const { loadConfig, jsonSerializer } = await import('../src/index.js');
    const old = manifest({ name: '@acme/parsl-ts-executor-new-old', coreRange: '^9.0.0' });
    const executor = { label: 'x', kind: 'x', outstanding: 0, manifest: old, start: async () => {}, submit: async () => 0, shutdown: async () => {} };
    await expect(loadConfig({ executors: [executor], serializer: jsonSerializer(), runDir: join(dir, 'runinfo') }))
      .rejects.toMatchObject({ code: ErrorCodes.PluginIncompatible });
  });
});

describe('pluginFromPackage', () => {
  it('takes name, version, kind, maturity and core range from package.json', async () => {
    const { pluginFromPackage } = await import('../src/index.js');
    const pkgDir = join(dir, 'from-package');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({
      name: '@acme/parsl-ts-staging-x', version: '0.3.1', description: 'x staging',
      peerDependencies: { '@parsl-ts/core': '^0.1.0' }, 'parsl-ts': { kind: 'staging', maturity: 'beta' },
    }));
    const m = pluginFromPackage(new URL(`file://${pkgDir}/package.json`), { factories: { X: () => ({}) }, defaultFactory: 'X' });
    expect(m).toMatchObject({ name: '@acme/parsl-ts-staging-x', version: '0.3.1', kind: 'staging', maturity: 'beta', coreRange: '^0.1.0', description: 'x staging' });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@acme/y', version: '1.0.0' }));
    expect(() => pluginFromPackage(new URL(`file://${pkgDir}/package.json`), { factories: { X: () => ({}) }, defaultFactory: 'X' }))
      .toThrow(/lacks "parsl-ts".kind, "parsl-ts".maturity, peerDependencies\["@parsl-ts\/core"\]/);
  });
});
