import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CORE_VERSION, ConfigError, PluginError, importFrom, instantiatePlugin, loadedPlugins, parslContainer, pluginToken,
  registerPlugin, setPluginNoticeHandler, type Serializer,
} from '@parsl-ts/core';
import { describe, expect, it } from 'vitest';
import { msgpackSerializer, plugin } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string; version: string; 'parsl-ts': { kind: string; maturity: string }; peerDependencies: Record<string, string>;
};

describe('plugin manifest', () => {
  it('agrees with package.json', () => {
    expect(plugin.name).toBe('@parsl-ts/serializer-msgpack');
    expect(plugin.name).toBe(packageJson.name);
    expect(plugin.version).toBe(packageJson.version);
    expect(plugin.kind).toBe(packageJson['parsl-ts'].kind);
    expect(plugin.maturity).toBe(packageJson['parsl-ts'].maturity);
    expect(plugin.coreRange).toBe(packageJson.peerDependencies['@parsl-ts/core']);
    expect(plugin.defaultFactory).toBe('msgpackSerializer');
    expect(Object.keys(plugin.factories)).toEqual(['msgpackSerializer']);
    expect(plugin.description).toBeTruthy();
  });

  it('supports the running core', () => {
    expect(plugin.coreRange).toBe('^0.1.0');
    expect(CORE_VERSION).toMatch(/^0\.1\./);
  });
});

describe('loading through core', () => {
  it('instantiates the built package by name, as a config file would', async () => {
    const notices: string[] = [];
    setPluginNoticeHandler((message) => notices.push(message));
    const serializer = await instantiatePlugin<Serializer>(
      { package: '@parsl-ts/serializer-msgpack' }, 'serializer', (specifier) => importFrom(specifier, packageDir));
    expect(serializer.id).toBe('msgpack');
    expect(serializer.descriptor).toEqual({ package: '@parsl-ts/serializer-msgpack', export: 'msgpackSerializer', options: {} });
    expect(serializer.deserialize(serializer.serialize({ n: 1n, m: new Map([[1, 2]]) }))).toStrictEqual({ n: 1n, m: new Map([[1, 2]]) });
    expect(notices.join('\n')).toMatch(/@parsl-ts\/serializer-msgpack@0\.1\.0 is experimental/);
    expect(loadedPlugins().map((m) => m.name)).toContain('@parsl-ts/serializer-msgpack');
  });

  it('passes registerPlugin() and registers its factory in the container', () => {
    expect(registerPlugin(plugin)).toBe(plugin);
    const token = pluginToken('serializer', '@parsl-ts/serializer-msgpack', 'msgpackSerializer');
    expect(parslContainer().isRegistered(token)).toBe(true);
  });

  it('instantiates from a descriptor with options, and re-creates a serializer from its own descriptor', async () => {
    registerPlugin(plugin);
    const serializer = await instantiatePlugin<Serializer>({ package: '@parsl-ts/serializer-msgpack', options: { copyBuffers: false } }, 'serializer');
    expect(serializer.descriptor.options).toEqual({ copyBuffers: false });
    const again = await instantiatePlugin<Serializer>(msgpackSerializer().descriptor, 'serializer');
    expect(again.id).toBe('msgpack');
    expect(again.deserialize(serializer.serialize([new Date(2), undefined]))).toStrictEqual([new Date(2), undefined]);
  });

  it('refuses bad options with a coded error', async () => {
    registerPlugin(plugin);
    const attempt = instantiatePlugin({ package: '@parsl-ts/serializer-msgpack', options: { level: 9 } }, 'serializer');
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG' });
  });

  it('is refused where another kind of plugin is expected', async () => {
    registerPlugin(plugin);
    await expect(instantiatePlugin({ package: '@parsl-ts/serializer-msgpack' }, 'executor')).rejects.toBeInstanceOf(PluginError);
  });
});
