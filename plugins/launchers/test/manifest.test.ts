import { describe, expect, it } from 'vitest';
import { instantiatePlugin, registerPlugin, type Launcher } from '@parsl-ts/core';
import { plugin, SingleNodeLauncher, SrunLauncher } from '../src/index.js';
import pkg from '../package.json' with { type: 'json' };

describe('plugin manifest', () => {
  it('comes from package.json', () => {
    expect(plugin.name).toBe('@parsl-ts/launchers');
    expect(plugin.version).toBe(pkg.version);
    expect(plugin.kind).toBe('launcher');
    expect(plugin.maturity).toBe('experimental');
    expect(plugin.coreRange).toBe(pkg.peerDependencies['@parsl-ts/core']);
    expect(plugin.defaultFactory).toBe('SingleNodeLauncher');
    expect(Object.keys(plugin.factories).sort()).toEqual([
      'AprunLauncher', 'GnuParallelLauncher', 'JsrunLauncher', 'MpiExecLauncher', 'MpiRunLauncher', 'SimpleLauncher',
      'SingleNodeLauncher', 'SrunLauncher', 'SrunMPILauncher', 'WrappedLauncher',
    ]);
  });

  it('builds launchers from config-file entries through core', async () => {
    registerPlugin(plugin);
    const byDefault = await instantiatePlugin<Launcher>({ package: '@parsl-ts/launchers' }, 'launcher');
    expect(byDefault).toBeInstanceOf(SingleNodeLauncher);
    const srun = await instantiatePlugin<Launcher>({ package: '@parsl-ts/launchers', export: 'SrunLauncher', options: { debug: false, overrides: '-l' } }, 'launcher');
    expect(srun).toBeInstanceOf(SrunLauncher);
    expect(srun.wrap('w', 1, 2)).toBe(new SrunLauncher({ debug: false, overrides: '-l' }).wrap('w', 1, 2));
    const wrapped = await instantiatePlugin<Launcher>({ package: '@parsl-ts/launchers', export: 'WrappedLauncher', options: { prepend: 'nice -n 5' } }, 'launcher');
    expect(wrapped.wrap('w', 1, 1)).toBe('nice -n 5 bash -c w');
  });

  it('rejects bad options with the coded error, not a generic one', async () => {
    registerPlugin(plugin);
    await expect(instantiatePlugin({ package: '@parsl-ts/launchers', export: 'SrunLauncher', options: { bogus: 1 } }, 'launcher'))
      .rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'SrunLauncher.bogus' });
  });
});
