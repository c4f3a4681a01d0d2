import { describe, expect, it } from 'vitest';
import { instantiatePlugin, registerPlugin, type ExecutionProvider } from '@parsl-ts/core';
import { plugin as launchersPlugin } from '@parsl-ts/launchers';
import { LocalProvider, plugin } from '../src/index.js';
import pkg from '../package.json' with { type: 'json' };

describe('plugin manifest', () => {
  it('comes from package.json', () => {
    expect(plugin).toMatchObject({
      name: '@parsl-ts/provider-local', version: pkg.version, kind: 'provider', maturity: 'experimental',
      coreRange: pkg.peerDependencies['@parsl-ts/core'], defaultFactory: 'LocalProvider',
    });
    expect(Object.keys(plugin.factories)).toEqual(['LocalProvider']);
  });

  it('builds a provider from a config-file entry, with a launcher named by package', async () => {
    registerPlugin(plugin);
    registerPlugin(launchersPlugin);
    const provider = await instantiatePlugin<ExecutionProvider>({
      package: '@parsl-ts/provider-local',
      options: { maxBlocks: 2, walltime: '00:10:00', launcher: { package: '@parsl-ts/launchers', export: 'SimpleLauncher' } },
    }, 'provider');
    expect(provider).toBeInstanceOf(LocalProvider);
    expect(provider.maxBlocks).toBe(2);
    expect(provider.walltimeSeconds).toBe(600);
    expect(provider.launcher.name).toBe('simple');
    const plain = await instantiatePlugin<ExecutionProvider>({ package: '@parsl-ts/provider-local' }, 'provider');
    expect(plain.launcher.name).toBe('single-node (built in)');
  });

  it('refuses a launcher entry that names a plugin of another kind, and bad options, with coded errors', async () => {
    registerPlugin(plugin);
    // Core instantiates nested plugin entries before the factory runs: the "launcher" is a
    // LocalProvider, which the provider refuses by the option's name.
    await expect(instantiatePlugin({ package: '@parsl-ts/provider-local', options: { launcher: { package: '@parsl-ts/provider-local' } } }, 'provider'))
      .rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'LocalProvider.launcher' });
    await expect(instantiatePlugin({ package: '@parsl-ts/provider-local', options: { maxBlocks: -1 } }, 'provider'))
      .rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG' });
  });
});
