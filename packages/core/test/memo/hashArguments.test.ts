import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, File, MEMO_HASH, UnhashableArgumentError, hashValues, registerMemoHasher } from '../../src/index.js';

const captureSync = (fn: () => unknown): unknown => {
  try { fn(); } catch (error) { return error; }
  return undefined;
};

describe('hashValues', () => {
  it('is independent of key order and of the order Maps and Sets were filled', () => {
    expect(hashValues([{ b: 1, a: { y: 2, x: [1, 2] } }])).toBe(hashValues([{ a: { x: [1, 2], y: 2 }, b: 1 }]));
    expect(hashValues([new Map([['a', 1], ['b', 2]])])).toBe(hashValues([new Map([['b', 2], ['a', 1]])]));
    expect(hashValues([new Set([3, 1, 2])])).toBe(hashValues([new Set([1, 2, 3])]));
  });

  it('tells apart values that differ in type, order or content', () => {
    const variants: unknown[][] = [
      [1], ['1'], [1n], [true], [null], [undefined], [[1, 2]], [[2, 1]], [{ a: 1 }], [{ a: 2 }], [{ a: 1, b: undefined }],
      [new Map([['a', 1]])], [new Set(['a'])], [new Date(0)], [new Date(1)], [new Uint8Array([1])], [new Float64Array([1])],
      [new File('/tmp/a.txt')], [new File('/tmp/b.txt')], [/a/g], [/a/i], [1, 2], [[1], 2], ['ab', 'c'], ['a', 'bc'], [],
    ];
    const hashes = variants.map((v) => hashValues(v));
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('hashes a Buffer and a Uint8Array with the same bytes alike, and large binary data by content', () => {
    expect(hashValues([Buffer.from([1, 2, 3])])).toBe(hashValues([new Uint8Array([1, 2, 3])]));
    const big = Buffer.alloc(1024 * 1024, 7);
    const hash = hashValues([big]);
    expect(hashValues([Buffer.from(big)])).toBe(hash);
    big[big.length - 1] = 8;
    expect(hashValues([big])).not.toBe(hash);
  });

  it('is a pinned, documented encoding: this vector only changes with MEMO_HASH_VERSION', () => {
    // If this fails, the encoding changed: bump MEMO_HASH_VERSION (old checkpoints then miss
    // instead of returning wrong results) and update docs/memoization.md.
    const value = [1, 'two', { b: [true, null], a: 3n }, new Map([[1, 2]]), Buffer.from('x')];
    expect(hashValues(value)).toBe(PINNED);
  });

  it('follows the encoding documented in docs/memoization.md, byte for byte', () => {
    const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
    const text = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
    const f64 = (n: number): Buffer => { const b = Buffer.alloc(8); b.writeDoubleBE(n); return b; };
    const tag = (t: string): Buffer => Buffer.from(t, 'latin1');
    const expected = createHash('sha256').update(Buffer.concat([
      text('parsl-ts memo v1'), u32(3),
      tag('n'), f64(1),
      tag('s'), text('ab'),
      tag('o'), u32(2), text('a'), tag('z'), text('b'), tag('T'),
    ])).digest('hex');
    expect(hashValues([1, 'ab', { b: true, a: null }])).toBe(expected);
  });

  it('gives the same hash in other processes', () => {
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import(${JSON.stringify(dist)}).then((m) => console.log(m.hashValues([1, 'two', { b: [true, null], a: 3n }, new Map([[1, 2]]), Buffer.from('x')])))`;
    for (let i = 0; i < 2; i++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000 }).trim();
      expect(out).toBe(PINNED);
    }
  });

  it('refuses what cannot be hashed, naming where it is and what to do', () => {
    const fnError = captureSync(() => hashValues([1, { cb: () => 1 }], 'simulate')) as UnhashableArgumentError;
    expect(fnError).toBeInstanceOf(UnhashableArgumentError);
    expect(fnError.code).toBe(ErrorCodes.UnhashableArgument);
    expect(fnError.path).toBe('args[1].cb');
    expect(fnError.message).toContain('app simulate');
    expect(fnError.message).toContain('args[1].cb is a function');
    expect(fnError.hint).toContain('ignoreForCache: [1]');
    expect(fnError.hint).toContain('registerMemoHasher');

    class Client { constructor(readonly url: string) {} }
    const classError = captureSync(() => hashValues([[new Client('db://x')]])) as UnhashableArgumentError;
    expect(classError.path).toBe('args[0][0]');
    expect(classError.message).toContain('an instance of Client');

    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect((captureSync(() => hashValues([cyclic])) as UnhashableArgumentError).message).toContain('cyclic');
    expect((captureSync(() => hashValues([Symbol('s')])) as UnhashableArgumentError).what).toContain('symbol');
    expect((captureSync(() => hashValues([Promise.resolve(1)])) as UnhashableArgumentError).what).toBe('a Promise');
  });

  it('hashes class instances through registered hashers and MEMO_HASH methods', () => {
    class Dataset {
      constructor(readonly path: string, readonly cache: unknown) {}
    }
    class Versioned extends Dataset {}
    registerMemoHasher(Dataset, (d) => d.path);
    expect(hashValues([new Dataset('/d', { handle: 1 })])).toBe(hashValues([new Dataset('/d', { other: 2 })]));
    expect(hashValues([new Dataset('/d', 0)])).not.toBe(hashValues([new Dataset('/e', 0)]));
    // A subclass uses its nearest registered ancestor's hasher, but is not confused with it.
    expect(hashValues([new Versioned('/d', 0)])).not.toBe(hashValues([new Dataset('/d', 0)]));
    expect(hashValues([new Versioned('/d', 0)])).toBe(hashValues([new Versioned('/d', 1)]));

    class Point { constructor(readonly x: number, readonly y: number) {} [MEMO_HASH]() { return [this.x, this.y]; } }
    expect(hashValues([new Point(1, 2)])).toBe(hashValues([new Point(1, 2)]));
    expect(hashValues([new Point(1, 2)])).not.toBe(hashValues([new Point(2, 1)]));

    class Broken { [MEMO_HASH]() { throw new Error('no identity'); } }
    expect((captureSync(() => hashValues([new Broken()])) as Error).message).toContain('its memo hasher threw: no identity');
  });
});

const PINNED = '4d6d24d30ba135b85fc6c4e9c21e89e0a7039cac7163cd1ffd02c28844b40f5a';
