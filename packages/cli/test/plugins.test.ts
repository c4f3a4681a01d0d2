import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORE_VERSION, runCli, tempDir } from './helpers.js';

interface Listing {
  core: { version: string; path: string };
  plugins: { name: string; kind: string; version: string; maturity: string; coreRange: string; compatible: boolean; path: string }[];
}

describe('parsl-ts plugins', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => { tmp.remove(); });

  it('lists the plugins installed with the CLI with kind, version, maturity and core range', async () => {
    const result = await runCli(['plugins'], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Package +Kind +Version +Maturity +Core range +Supports core/);
    expect(result.stdout).toMatch(/@parsl-ts\/executor-threads +executor +\d+\.\d+\.\d+ +experimental +\^0\.1\.0 +yes/);
    expect(result.stdout).toMatch(/@parsl-ts\/serializer-msgpack +serializer +\d+\.\d+\.\d+ +experimental +\^0\.1\.0 +yes/);
    // core, cli and testing are parts of parsl-ts, not plugins.
    expect(result.stdout).not.toMatch(/^@parsl-ts\/(core|cli|testing) /m);
    expect(result.stdout).toContain(`core ${CORE_VERSION} at `);
  });

  it('--json includes third-party plugins found from the working directory, and flags incompatible ones', async () => {
    const fake = join(tmp.dir, 'node_modules', '@acme', 'parsl-ts-executor-old');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({
      name: '@acme/parsl-ts-executor-old', version: '0.3.0', type: 'module',
      'parsl-ts': { kind: 'executor', maturity: 'beta' }, peerDependencies: { '@parsl-ts/core': '^9.0.0' },
    }));
    const unrelated = join(tmp.dir, 'node_modules', 'left-pad');
    mkdirSync(unrelated, { recursive: true });
    writeFileSync(join(unrelated, 'package.json'), '{ "name": "left-pad", "version": "1.0.0" }');
    const result = await runCli(['plugins', '--json'], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout) as Listing;
    expect(listing.core.version).toBe(CORE_VERSION);
    const byName = new Map(listing.plugins.map((p) => [p.name, p]));
    expect(byName.get('@parsl-ts/executor-threads')).toMatchObject({ kind: 'executor', maturity: 'experimental', coreRange: '^0.1.0', compatible: true });
    expect(byName.get('@parsl-ts/serializer-msgpack')).toMatchObject({ kind: 'serializer', maturity: 'experimental', compatible: true });
    expect(byName.get('@acme/parsl-ts-executor-old')).toMatchObject({ kind: 'executor', maturity: 'beta', version: '0.3.0', coreRange: '^9.0.0', compatible: false });
    expect(byName.has('left-pad')).toBe(false);
    const table = await runCli(['plugins'], { cwd: tmp.dir });
    expect(table.stdout).toMatch(new RegExp(`@acme/parsl-ts-executor-old +executor +0\\.3\\.0 +beta +\\^9\\.0\\.0 +NO \\(core is ${CORE_VERSION.replace(/\./g, '\\.')}\\)`));
    expect(table.stdout).toContain('PARSL_PLUGIN_INCOMPATIBLE');
  });
});
