import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, importFrom, instantiatePlugin, type ProxyStore } from '@parsl-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStore, plugin } from '@parsl-ts/store-fs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-store-fs-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileStore', () => {
  it('puts, gets and evicts values as files in its folder', () => {
    const store = fileStore({ dir: join(dir, 'nested', 'store') });
    const bytes = Buffer.from('hello store');
    store.put('abc123', bytes);
    expect(readFileSync(join(dir, 'nested', 'store', 'abc123'))).toEqual(bytes);
    expect(Buffer.from(store.get('abc123')).toString()).toBe('hello store');
    expect(readdirSync(join(dir, 'nested', 'store'))).toEqual(['abc123']); // no temporary file left
    store.evict('abc123');
    store.evict('abc123'); // already gone: no error
    expect(() => store.get('abc123')).toThrow(expect.objectContaining({ code: 'PARSL_STORE_FS_MISSING', message: expect.stringContaining('abc123') }));
  });

  it('is re-created from its descriptor elsewhere (another process would do the same) and sees the same values', async () => {
    const store = fileStore({ dir });
    store.put('k', new Uint8Array([1, 2, 3]));
    const other = await instantiatePlugin<ProxyStore>(JSON.parse(JSON.stringify(store.descriptor)), 'store', (s) => importFrom(s, PACKAGE_DIR));
    expect(Array.from(other.get('k'))).toEqual([1, 2, 3]);
    expect(plugin.kind).toBe('store');
  });

  it('refuses keys that could leave its folder, and bad options', () => {
    const store = fileStore({ dir });
    expect(() => store.put('../escape', new Uint8Array(1))).toThrow(TypeError);
    expect(() => fileStore({} as never)).toThrow(ConfigError);
    expect(() => fileStore({ dir, extra: 1 } as never)).toThrow(/no option "extra"/);
  });
});
