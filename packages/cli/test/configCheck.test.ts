import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORE_VERSION, EXAMPLES, runCli, tempDir } from './helpers.js';

describe('parsl-ts config check', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => { tmp.remove(); });

  it('accepts the example config and summarizes it without starting executors', async () => {
    const result = await runCli(['config', 'check', join(EXAMPLES, 'parsl.config.json')], { cwd: tmp.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`parsl.config.json is valid (checked with @parsl-ts/core ${CORE_VERSION}; no executor was started)`);
    expect(result.stdout).toMatch(/- local: threads from @parsl-ts\/executor-threads \(maxThreads=2/);
    expect(result.stdout).toContain('serializer: msgpack from @parsl-ts/serializer-msgpack');
    expect(result.stdout).toContain('retries: 1');
    expect(result.stdout).toContain('note: @parsl-ts/executor-threads@');
  });

  it('lists every problem of the broken example with code, path and hint, and exits 1', async () => {
    const result = await runCli(['config', 'check', join(EXAMPLES, 'broken.config.json')], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain('✗ [PARSL_INVALID_CONFIG] executors[0].package: is missing');
    expect(out).toContain('✗ [PARSL_INVALID_CONFIG] executors[1].options: must be an object');
    expect(out).toContain('✗ [PARSL_INVALID_CONFIG] retries: must be a whole number >= 0, got -1');
    expect(out).toContain('✗ [PARSL_INVALID_CONFIG] logLevel: unknown level "loud"');
    expect(out).toContain('✗ [PARSL_INVALID_CONFIG] retrys: is not a config setting');
    expect(out.match(/^ {2}hint: /gm)?.length).toBe(5);
    expect(out).toContain('broken.config.json: 5 problems');
  });

  it('refuses a plugin whose core range excludes the running core, naming both versions', async () => {
    const plugin = join(tmp.dir, 'node_modules', '@acme', 'parsl-ts-executor-old');
    mkdirSync(plugin, { recursive: true });
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({
      name: '@acme/parsl-ts-executor-old', version: '0.3.0', type: 'module', main: 'index.js',
      exports: { '.': './index.js' }, 'parsl-ts': { kind: 'executor', maturity: 'beta' },
      peerDependencies: { '@parsl-ts/core': '^9.0.0' },
    }));
    writeFileSync(join(plugin, 'index.js'), `export const plugin = {
  name: '@acme/parsl-ts-executor-old', version: '0.3.0', kind: 'executor', maturity: 'beta', coreRange: '^9.0.0',
  factories: { OldExecutor: (options) => ({ label: options.label ?? 'old', kind: 'old', outstanding: 0,
    start() {}, submit() { return Promise.resolve(0); }, shutdown() { return Promise.resolve(); } }) },
  defaultFactory: 'OldExecutor',
};
`);
    writeFileSync(join(tmp.dir, 'parsl.config.json'), JSON.stringify({
      executors: [{ package: '@acme/parsl-ts-executor-old', options: { label: 'old' } }],
    }));
    const result = await runCli(['config', 'check', 'parsl.config.json'], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `✗ [PARSL_PLUGIN_INCOMPATIBLE] executors[0]: plugin @acme/parsl-ts-executor-old@0.3.0 supports @parsl-ts/core ^9.0.0, but the running core is ${CORE_VERSION}`);
    expect(result.stdout).toMatch(/\n {2}hint: install a version of @acme\/parsl-ts-executor-old .*\^9\.0\.0/);
  });

  it('reports a plugin that is not installed, a missing file and invalid JSON', async () => {
    writeFileSync(join(tmp.dir, 'missing.json'), JSON.stringify({ executors: [{ package: '@acme/parsl-ts-executor-nowhere' }] }));
    const missing = await runCli(['config', 'check', 'missing.json'], { cwd: tmp.dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('✗ [PARSL_PLUGIN_LOAD] executors[0]: plugin @acme/parsl-ts-executor-nowhere could not be imported');
    expect(missing.stdout).toContain('hint: install it: npm install @acme/parsl-ts-executor-nowhere');

    const absent = await runCli(['config', 'check', 'absent.json'], { cwd: tmp.dir });
    expect(absent.code).toBe(1);
    expect(absent.stdout).toContain('✗ [PARSL_CONFIG_FILE]');
    expect(absent.stdout).toContain('hint: check the path');

    writeFileSync(join(tmp.dir, 'bad.json'), '{ "retries": 1, }');
    const bad = await runCli(['config', 'check', 'bad.json'], { cwd: tmp.dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ [PARSL_CONFIG_FILE] bad.json is not valid JSON');
  });

  it('checks a TypeScript config module and catches duplicate executor labels', async () => {
    writeFileSync(join(tmp.dir, 'parsl.config.ts'), `
const threads = (label: string) => ({ package: '@parsl-ts/executor-threads', options: { label, maxThreads: 1 } });
export default { executors: [threads('same'), threads('same')] };
`);
    const result = await runCli(['config', 'check', 'parsl.config.ts'], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ [PARSL_INVALID_CONFIG] executors[1].label: label "same" is used twice');
  });
});
