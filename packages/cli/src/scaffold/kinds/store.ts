/**
 * The store template: a ProxyStore that keeps values as files in a folder every worker can
 * read. Tested by putting, getting and evicting real values, also through a second instance
 * re-created from the descriptor, as a worker does.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The store template.
 *
 * @since 0.1.0
 */
export const storeTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, values put and got back byte for byte, evicted values gone with a coded error, and a second instance made from the `descriptor` (what a worker does) seeing the same values',
  exampleOptions: () => ({ dir: '/tmp' }),
  use: (ctx) => `A proxy serializer keeps large values in it (see docs/serialization.md):

\`\`\`json
{ "serializer": { "package": "@parsl-ts/serializer-proxy", "options": {
    "store": { "package": "${ctx.packageName}", "options": { "dir": "/shared/proxy-store" } } } } }
\`\`\``,
  source: (ctx: TemplateContext) => `import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ParslError, type PluginDescriptor, type PluginManifest, type ProxyStore } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** The folder that holds the values; every worker must see it (a shared filesystem). */
  dir: string;
}

/**
 * ${ctx.description}
 *
 * As generated, each value is a file in \`dir\` (written to a temporary name, then renamed, so a
 * reader never sees half a value). The methods are synchronous, as ProxyStore's are.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const store = new ${ctx.className}({ dir: '/shared/proxy-store' });
 * store.put('k', new Uint8Array([1, 2]));
 * \`\`\`
 */
export class ${ctx.className} implements ProxyStore {
  /** The store's id (proxies name it). */
  readonly id = '${ctx.name}';
  /** How a worker re-creates this store. */
  readonly descriptor: PluginDescriptor;
  /** The resolved options. */
  readonly options: Readonly<${ctx.className}Options>;

  constructor(options: ${ctx.className}Options) {
    if (typeof options?.dir !== 'string' || options.dir.length === 0) {
      throw new ConfigError('dir is missing', { path: 'dir', hint: 'give a folder every worker can read, e.g. { "dir": "/shared/proxy-store" }' });
    }
    this.options = { dir: resolve(options.dir) };
    this.descriptor = { package: '${ctx.packageName}', options: { dir: this.options.dir } };
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Keep \`bytes\` under \`key\`. */
  put(key: string, bytes: Uint8Array): void {
    mkdirSync(this.options.dir, { recursive: true });
    const temporary = join(this.options.dir, \`.\${randomBytes(6).toString('hex')}.tmp\`);
    writeFileSync(temporary, bytes);
    renameSync(temporary, this.path(key));
  }

  /** The bytes under \`key\`; throws \`PARSL_STORE_MISSING\` when there are none. */
  get(key: string): Uint8Array {
    try {
      return readFileSync(this.path(key));
    } catch (cause) {
      throw new ParslError('PARSL_STORE_MISSING', \`no value under \${key} in \${this.options.dir}\`, {
        cause, hint: 'the value was evicted, or the worker does not see the same folder as the submit side',
      });
    }
  }

  /** Forget \`key\` (nothing happens when it is not there). */
  evict(key: string): void {
    try {
      unlinkSync(this.path(key));
    } catch {
      // already gone
    }
  }

  private path(key: string): string {
    return join(this.options.dir, encodeURIComponent(key));
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProxyStore } from '@parsl-ts/core';
import { instantiateDescriptor } from '@parsl-ts/core/worker';
import { ${ctx.className} } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('${ctx.className}', () => {
  const store = new ${ctx.className}({ dir });

  it('gives back what was put, byte for byte, and forgets evicted values', () => {
    const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
    store.put('a/b?c', bytes);
    expect(Buffer.from(store.get('a/b?c')).equals(Buffer.from(bytes))).toBe(true);
    store.evict('a/b?c');
    expect(() => store.get('a/b?c')).toThrow(expect.objectContaining({ code: 'PARSL_STORE_MISSING' }));
  });

  it('is re-created from its descriptor and sees the same values, as a worker does', async () => {
    store.put('shared', new Uint8Array([7, 8, 9]));
    const remote = await instantiateDescriptor<ProxyStore>(store.descriptor, packageRoot);
    expect([...remote.get('shared')]).toEqual([7, 8, 9]);
  });
});
`,
  }),
};
