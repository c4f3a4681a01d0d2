import { describe, expect, it } from 'vitest';
import { instantiatePlugin, registerPlugin, type ExecutionProvider } from '@parsl-ts/core';
import { plugin as launchersPlugin } from '@parsl-ts/launchers';
import { plugin, SlurmProvider } from '../src/index.js';
import pkg from '../package.json' with { type: 'json' };

describe('plugin manifest', () => {
  it('comes from package.json', () => {
    expect(plugin).toMatchObject({
      name: '@parsl-ts/provider-slurm', version: pkg.version, kind: 'provider', maturity: 'experimental',
      coreRange: pkg.peerDependencies['@parsl-ts/core'], defaultFactory: 'SlurmProvider',
    });
    expect(Object.keys(plugin.factories)).toEqual(['SlurmProvider']);
  });

  it('builds a provider from a config-file entry, with a launcher named by package', async () => {
    registerPlugin(plugin);
    registerPlugin(launchersPlugin);
    const provider = await instantiatePlugin<ExecutionProvider>({
      package: '@parsl-ts/provider-slurm',
      options: { partition: 'debug', nodesPerBlock: 2, walltime: '00:10:00', launcher: { package: '@parsl-ts/launchers', export: 'SrunLauncher' } },
    }, 'provider');
    expect(provider).toBeInstanceOf(SlurmProvider);
    expect(provider.nodesPerBlock).toBe(2);
    expect(provider.walltimeSeconds).toBe(600);
    expect(provider.launcher.name).toBe('srun');
    const plain = await instantiatePlugin<ExecutionProvider>({ package: '@parsl-ts/provider-slurm' }, 'provider');
    expect(plain.launcher.name).toBe('srun (built in)');
  });

  it('refuses bad options with a coded error', async () => {
    registerPlugin(plugin);
    await expect(instantiatePlugin({ package: '@parsl-ts/provider-slurm', options: { walltime: 'forever' } }, 'provider'))
      .rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG' });
  });
});
