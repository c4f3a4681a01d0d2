import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { plugin, type Dashboard } from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string; version: string; peerDependencies: Record<string, string>; 'parsl-ts': { kind: string; maturity: string };
};

describe('plugin manifest', () => {
  it('states what package.json states', () => {
    expect(plugin).toMatchObject({
      name: pkg.name, version: pkg.version, kind: pkg['parsl-ts'].kind, maturity: pkg['parsl-ts'].maturity,
      coreRange: pkg.peerDependencies['@parsl-ts/core'], defaultFactory: 'Dashboard',
    });
  });

  it('its Dashboard factory starts a dashboard from plain options', async () => {
    const dashboard = (await plugin.factories.Dashboard!({ database: inject('fixture').database, port: 0, warmUp: false })) as Dashboard;
    try {
      const response = await fetch(`${dashboard.url}api/info`);
      expect(await response.json()).toEqual({ database: inject('fixture').database, schemaVersion: 1, dashboardVersion: pkg.version });
    } finally {
      await dashboard.close();
    }
  });
});
