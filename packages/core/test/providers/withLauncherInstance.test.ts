// withLauncherInstance: a launcher named by a plugin entry becomes the launcher instance.
import { describe, expect, it } from 'vitest';
import { CORE_VERSION, definePlugin, registerPlugin, withLauncherInstance, type Launcher } from '../../src/index.js';

class EchoLauncher implements Launcher {
  readonly name: string;
  constructor(options: Readonly<Record<string, unknown>>) { this.name = `echo-${String(options.tag ?? 'plain')}`; }
  wrap(command: string): string { return `echo ${command}`; }
}

registerPlugin(definePlugin({
  name: '@acme/parsl-ts-launchers-test', version: '0.1.0', kind: 'launcher', maturity: 'experimental', coreRange: `^${CORE_VERSION}`,
  factories: { EchoLauncher: (options) => new EchoLauncher(options) }, defaultFactory: 'EchoLauncher',
}));
registerPlugin(definePlugin({
  name: '@acme/parsl-ts-executor-test', version: '0.1.0', kind: 'executor', maturity: 'experimental', coreRange: `^${CORE_VERSION}`,
  factories: { X: () => ({}) }, defaultFactory: 'X',
}));

describe('withLauncherInstance', () => {
  it('replaces a launcher plugin entry with the launcher, keeping the other options', async () => {
    const options = await withLauncherInstance({ maxBlocks: 2, launcher: { package: '@acme/parsl-ts-launchers-test', options: { tag: 'x' } } });
    expect(options.maxBlocks).toBe(2);
    expect(options.launcher).toBeInstanceOf(EchoLauncher);
    expect((options.launcher as Launcher).name).toBe('echo-x');
  });

  it('leaves options without a launcher entry as they are', async () => {
    const launcher = new EchoLauncher({});
    for (const options of [{ maxBlocks: 1 }, { launcher }, { launcher: 'srun' }]) {
      expect(await withLauncherInstance(options)).toBe(options);
    }
  });

  it('refuses an entry that names a plugin of another kind, with a coded error', async () => {
    await expect(withLauncherInstance({ launcher: { package: '@acme/parsl-ts-executor-test' } }))
      .rejects.toMatchObject({ code: 'PARSL_PLUGIN_LOAD', message: expect.stringMatching(/is a executor plugin, but a launcher was expected/) });
  });
});
