import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, File, SerializerRegistry, importFrom, instantiatePlugin, jsonSerializer, type ProxyStore } from '@parsl-ts/core';
import { msgpackSerializer } from '@parsl-ts/serializer-msgpack';
import { fileStore } from '@parsl-ts/store-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proxySerializer, proxySerializerFromDescriptors } from '@parsl-ts/serializer-proxy';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-proxy-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real file store that counts what is asked of it. */
function countingStore(): ProxyStore & { gets: string[]; puts: string[] } {
  const store = fileStore({ dir });
  const gets: string[] = [];
  const puts: string[] = [];
  return {
    id: store.id, descriptor: store.descriptor, gets, puts,
    put: (key, bytes) => { puts.push(key); store.put(key, bytes); },
    get: (key) => { gets.push(key); return store.get(key); },
    evict: (key) => store.evict(key),
  };
}

const KB = 1024;

describe('proxySerializer', () => {
  it('keeps small values inline: nothing goes to the store and no walk is needed', () => {
    const store = countingStore();
    const s = proxySerializer({ inner: msgpackSerializer(), store, threshold: 64 * KB });
    const value = { args: [1, 'two', Buffer.alloc(100), new Map([[1, 2]]), new Date(3), new File('/x')] };
    const bytes = s.serialize(value);
    expect(Buffer.from(bytes.subarray(0, 7)).toString()).toBe('proxy\n0');
    expect(s.deserialize(bytes)).toEqual(value);
    expect(store.puts).toEqual([]);
  });

  it('sends large values to the store, and a worker fetches each only when it is read', () => {
    const store = countingStore();
    const s = proxySerializer({ inner: msgpackSerializer(), store, threshold: 64 * KB });
    const big = Buffer.alloc(1024 * KB, 1);
    const text = 'é'.repeat(100 * KB);
    const floats = new Float64Array(20 * KB).fill(0.5);
    const task = { id: 7, args: [big, { text, floats, small: 3 }] as [Buffer, { text: string; floats: Float64Array; small: number }] };
    const bytes = s.serialize(task);
    expect(bytes.length).toBeLessThan(2 * KB);
    expect(store.puts).toHaveLength(3);
    expect(readdirSync(dir).map((f) => statSync(join(dir, f)).size).sort((a, b) => a - b)).toEqual([floats.byteLength, Buffer.byteLength(text), big.length].sort((a, b) => a - b));

    const decoded = s.deserialize(bytes) as typeof task;
    expect(store.gets).toEqual([]);
    expect(decoded.args[1]!.small).toBe(3);
    expect(store.gets).toEqual([]); // reading a small field fetches nothing
    const [gotBig, rest] = decoded.args;
    expect(store.gets).toHaveLength(1); // spreading the arguments reads args[0] only
    expect(Buffer.isBuffer(gotBig) && gotBig.equals(big)).toBe(true);
    expect(rest.text).toBe(text);
    expect(rest.floats).toBeInstanceOf(Float64Array);
    expect(Array.from(rest.floats.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
    expect(store.gets).toHaveLength(3);
    void rest.text; // a value is fetched once, then kept
    expect(store.gets).toHaveLength(3);
  });

  it('stores an array or object that is large as a whole in one piece', () => {
    const store = countingStore();
    const s = proxySerializer({ inner: msgpackSerializer(), store, threshold: 64 * KB });
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `row-${i}` }));
    const bytes = s.serialize([true, rows]);
    expect(store.puts).toHaveLength(1);
    expect(bytes.length).toBeLessThan(KB);
    const [ok, back] = s.deserialize(bytes) as [boolean, typeof rows];
    expect(ok).toBe(true);
    expect(back).toEqual(rows);
  });

  it('works with core\'s json serializer inside, and is found through a registry by its header', () => {
    const store = countingStore();
    const s = proxySerializer({ inner: jsonSerializer(), store, threshold: 4 * KB });
    const registry = new SerializerRegistry([jsonSerializer(), s]);
    const value = { data: new Uint8Array(10 * KB).fill(9) };
    expect(registry.deserialize(s.serialize(value))).toEqual(value);
  });

  it('names the store and key when a value is gone', () => {
    const store = countingStore();
    const s = proxySerializer({ inner: msgpackSerializer(), store, threshold: KB });
    const decoded = s.deserialize(s.serialize({ a: Buffer.alloc(2 * KB) })) as { a: Buffer };
    store.evict(store.puts[0]!);
    expect(() => decoded.a).toThrow(expect.objectContaining({ code: 'PARSL_STORE_FS_MISSING', message: expect.stringContaining(store.puts[0]!) }));
  });

  it('is rebuilt from its descriptor, as on a worker, and decodes the submit side\'s payloads', async () => {
    const s = proxySerializer({ inner: msgpackSerializer(), store: fileStore({ dir }), threshold: KB });
    const payload = s.serialize({ a: Buffer.alloc(4 * KB, 5) });
    const rebuilt = await proxySerializerFromDescriptors(s.descriptor.options!);
    expect((rebuilt.deserialize(payload) as { a: Buffer }).a.equals(Buffer.alloc(4 * KB, 5))).toBe(true);
    const viaPlugin = await instantiatePlugin({ package: '@parsl-ts/serializer-proxy', options: JSON.parse(JSON.stringify(s.descriptor.options)) as Record<string, unknown> }, 'serializer', (spec) => importFrom(spec, PACKAGE_DIR));
    expect(((viaPlugin as typeof s).deserialize(payload) as { a: Buffer }).a.length).toBe(4 * KB);
  });

  it('refuses bad options with coded config errors', () => {
    expect(() => proxySerializer({ inner: msgpackSerializer() } as never)).toThrow(ConfigError);
    expect(() => proxySerializer({ store: fileStore({ dir }) } as never)).toThrow(/inner serializer/);
    expect(() => proxySerializer({ inner: msgpackSerializer(), store: fileStore({ dir }), threshold: 0 })).toThrow(/threshold/);
  });
});
