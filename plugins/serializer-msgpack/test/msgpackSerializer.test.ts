import {
  BashExitFailure, ConfigError, DependencyError, ErrorCodes, File, ParslError, SerializationError, SerializerRegistry,
  jsonSerializer,
} from '@parsl-ts/core';
import { Packr, pack as defaultPack, unpack as standardUnpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { msgpackSerializer } from '../src/msgpackSerializer.js';

const serializer = msgpackSerializer();
const roundTrip = <T>(value: T): T => serializer.deserialize(serializer.serialize(value)) as T;

/** Asserts that `actual` has the same class as `expected` at every node, not only equal contents. */
function expectSameClasses(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected !== 'object' || expected === null) {
    expect(typeof actual, path).toBe(typeof expected);
    return;
  }
  expect(actual, path).toBeTypeOf('object');
  expect((actual as object).constructor, `class at ${path}`).toBe((expected as object).constructor);
  if (ArrayBuffer.isView(expected) || expected instanceof Date || expected instanceof File) return;
  if (expected instanceof Map) {
    const a = [...(actual as Map<unknown, unknown>)];
    [...expected].forEach(([k, v], i) => {
      expectSameClasses(a[i]?.[0], k, `${path}.keys()[${i}]`);
      expectSameClasses(a[i]?.[1], v, `${path}.get(${i})`);
    });
  } else if (expected instanceof Set) {
    const a = [...(actual as Set<unknown>)];
    [...expected].forEach((v, i) => expectSameClasses(a[i], v, `${path}.values()[${i}]`));
  } else {
    for (const key of Object.keys(expected)) {
      expectSameClasses((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    }
  }
}

const typedArrays: [string, ArrayBufferView][] = [
  ['Uint8Array', new Uint8Array([0, 1, 255])],
  ['Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255])],
  ['Int8Array', new Int8Array([-128, 0, 127])],
  ['Uint16Array', new Uint16Array([0, 65535])],
  ['Int16Array', new Int16Array([-32768, 32767])],
  ['Uint32Array', new Uint32Array([0, 4294967295])],
  ['Int32Array', new Int32Array([-2147483648, 7, 2147483647])],
  ['Float32Array', new Float32Array([1.5, -0, Infinity, Number.NaN])],
  ['Float64Array', new Float64Array([Math.PI, -0, Number.MIN_VALUE, Number.NaN])],
  ['BigInt64Array', new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n])],
  ['BigUint64Array', new BigUint64Array([0n, 2n ** 64n - 1n])],
  ['empty Float64Array', new Float64Array(0)],
  ['Int32Array view at an offset', new Int32Array(new ArrayBuffer(64), 8, 3).fill(-5)],
  ['Buffer', Buffer.from('hello, bytes')],
  ['Buffer of 5000 bytes', Buffer.alloc(5000, 7)],
  ['DataView', new DataView(new Uint8Array([1, 2, 3]).buffer)],
];

const bigints = [0n, 1n, -1n, 127n, -129n, 2n ** 31n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n,
  2n ** 64n, -(2n ** 64n), -(2n ** 63n) - 1n, 2n ** 200n + 12345n, -(2n ** 521n) + 1n, 10n ** 400n];

const file = new File('/data/input.csv');
const remoteFile = new File('https://example.org/data/x.csv');
const stagedFile = new File('globus://endpoint/path/y.h5', '/scratch/y.h5');

const roundTripCases: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['true', true],
  ['zero', 0],
  ['small int', 42],
  ['negative int', -7],
  ['uint32 max', 4294967295],
  ['int beyond 32 bits stays a number', 1_700_000_000_123],
  ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ['float', 1.25e-300],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['empty string', ''],
  ['unicode string', 'héllo wörld ✓ 🎉 日本語'],
  ['long string', 'x'.repeat(100_000)],
  ['empty object', {}],
  ['empty array', []],
  ['undefined in an array', [undefined, 1, undefined]],
  ['undefined as an object value', { a: undefined, b: 1 }],
  ['nested undefined', { list: [{ v: undefined }], m: new Map([['k', undefined]]) }],
  ['object with a "constructor" key', { constructor: 'not a class', toString: 'x' }],
  ['deeply nested plain data', { a: [{ b: { c: [[1, [2, [3, { d: 'e' }]]]] } }] }],
  ...bigints.map((n): [string, unknown] => [`BigInt ${n > 10n ** 30n || n < -(10n ** 30n) ? `${String(n).slice(0, 12)}… (${String(n).length} digits)` : n}`, n]),
  ['BigInts in an object', { small: 3n, big: 2n ** 100n, neg: -(2n ** 70n), n: 3 }],
  ['Date', new Date(1_700_000_000_123)],
  ['Date at the epoch', new Date(0)],
  ['Date before 1970', new Date(-1e12)],
  ['Date far in the future', new Date(8.64e15)],
  ['empty Map', new Map()],
  ['Map with keys of every kind', new Map<unknown, unknown>([[1, 'one'], ['1', 'string one'], [2n, 'bigint'], [undefined, 'undef'],
    [null, 'null'], [true, 'bool'], [{ k: 1 }, 'object key'], [new Date(5), 'date key']])],
  ['nested Maps', new Map([['outer', new Map([['inner', new Map([[1, [new Map()]]])]])]])],
  ['Map inside objects and arrays', { tasks: [new Map([['id', 1]])], byId: { x: new Map([[1, { y: new Map() }]]) } }],
  ['empty Set', new Set()],
  ['Set of mixed values', new Set<unknown>([1, 'a', 2n, null, undefined, true])],
  ['Set holding Maps and Sets', new Set([new Map([[1, 2]]), new Set([new Set([3])])])],
  ['RegExp', /a(b+)c/giu],
  ['ArrayBuffer', new Uint8Array([9, 8, 7]).buffer],
  ...typedArrays,
  ['typed arrays in a structure', { pixels: new Uint8Array([1, 2]), values: [new Float64Array([0.5])], raw: Buffer.from('z') }],
  ['File', file],
  ['remote File', remoteFile],
  ['staged File with a localPath', stagedFile],
  ['Files in a structure', { inputs: [file, remoteFile], outputs: new Map([['out', stagedFile]]) }],
  ['task-like object', {
    tid: 1234, fn: { module: 'file:///home/u/app.js', export: 'simulate', hash: '9f8e7d6c' },
    args: [42, 'seed', 7n, new Date(0), undefined], kwargs: { inputs: [file], opts: new Map([['retries', 2]]) },
    resources: { cores: 1, memoryMB: 512, tags: new Set(['gpu']) },
  }],
];

describe('msgpackSerializer round trips', () => {
  it.each(roundTripCases)('%s', (_name, value) => {
    const out = roundTrip(value);
    expect(out).toStrictEqual(value);
    expectSameClasses(out, value);
  });

  it('round-trips BigInts exactly, sign and size included', () => {
    for (const n of bigints) {
      const out = roundTrip(n);
      expect(typeof out).toBe('bigint');
      expect(out === n, `${n}`).toBe(true);
    }
  });

  it('keeps the bytes of typed arrays exactly (NaN payloads, -0)', () => {
    for (const [name, view] of typedArrays) {
      const out = roundTrip(view);
      const bytes = (v: ArrayBufferView): number[] => [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
      expect(bytes(out), name).toEqual(bytes(view));
    }
  });

  it('returns Node Buffers as Buffers and plain Uint8Arrays as Uint8Arrays', () => {
    expect(Buffer.isBuffer(roundTrip(Buffer.from('x')))).toBe(true);
    const plain = roundTrip(new Uint8Array([1]));
    expect(Buffer.isBuffer(plain)).toBe(false);
    expect(plain.constructor).toBe(Uint8Array);
    // whatever the payload itself is
    const payload = new Uint8Array(serializer.serialize({ b: Buffer.from('y') }));
    expect(Buffer.isBuffer((serializer.deserialize(payload) as { b: Buffer }).b)).toBe(true);
  });

  it('gives decoded Buffers their own memory by default, and views with copyBuffers: false', () => {
    const payload = serializer.serialize(Buffer.from('abc'));
    const copied = serializer.deserialize(payload) as Buffer;
    const viewing = msgpackSerializer({ copyBuffers: false }).deserialize(payload) as Buffer;
    payload.fill(0x7a, payload.length - 3);
    expect(copied.toString()).toBe('abc');
    expect(viewing.toString()).toBe('zzz');
  });

  it('round-trips large binary data (4 MiB Buffer, 1 Mi-element Float64Array)', () => {
    const bytes = Buffer.alloc(4 << 20);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i & 0xff;
    const floats = Float64Array.from({ length: 1 << 20 }, (_, i) => i / 3);
    const out = roundTrip({ bytes, floats });
    expect(Buffer.isBuffer(out.bytes)).toBe(true);
    expect(out.bytes.equals(bytes)).toBe(true);
    expect(out.floats).toBeInstanceOf(Float64Array);
    expect(Buffer.from(out.floats.buffer).equals(Buffer.from(floats.buffer))).toBe(true);
  });

  it('turns holes of sparse arrays into undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const out = roundTrip([1, , 3]);
    expect(out).toHaveLength(3);
    expect(1 in out).toBe(true);
    expect(out[1]).toBeUndefined();
  });

  it('turns an invalid Date into an invalid Date', () => {
    const out = roundTrip(new Date(Number.NaN));
    expect(out).toBeInstanceOf(Date);
    expect(Number.isNaN(out.getTime())).toBe(true);
  });

  it('turns instances of other classes into plain objects with their own fields, or their toJSON()', () => {
    class Point { constructor(readonly x: number, readonly y: number) {} norm(): number { return Math.hypot(this.x, this.y); } }
    expect(roundTrip(new Point(1, 2))).toStrictEqual({ x: 1, y: 2 });
    expect(roundTrip({ at: new URL('https://example.org/a?b=1') })).toStrictEqual({ at: 'https://example.org/a?b=1' });
    const bare = Object.assign(Object.create(null) as object, { a: 1, m: new Map([[1, 2]]) });
    expect(roundTrip(bare)).toStrictEqual({ a: 1, m: new Map([[1, 2]]) });
  });

  it('does not change the value it serializes', () => {
    const value = { m: new Map([[1, { e: new Error('x') }]]), list: [new Set([new Map()])], f: file };
    const before = { m: value.m, inner: value.m.get(1), list: value.list, set: value.list[0] };
    serializer.serialize(value);
    expect(value.m).toBe(before.m);
    expect(value.m.get(1)).toBe(before.inner);
    expect(value.list).toBe(before.list);
    expect(value.list[0]).toBe(before.set);
    expect(value.m.get(1)!.e).toBeInstanceOf(Error);
  });

  it('copies a shared object once per reference (values are trees)', () => {
    const shared = { n: 1 };
    const out = roundTrip({ a: shared, b: shared });
    expect(out).toStrictEqual({ a: { n: 1 }, b: { n: 1 } });
    expect(out.a).not.toBe(out.b);
  });

  it('serializes objects with more than 65535 keys', () => {
    const big: Record<string, number> = {};
    for (let i = 0; i < 70_000; i++) big[`k${i}`] = i;
    const out = roundTrip(big);
    expect(Object.keys(out)).toHaveLength(70_000);
    expect(out.k69999).toBe(69_999);
  });
});

describe('msgpackSerializer errors as values', () => {
  it.each([
    ['Error', new Error('plain')],
    ['TypeError', new TypeError('type')],
    ['RangeError', new RangeError('range')],
    ['SyntaxError', new SyntaxError('syntax')],
    ['URIError', new URIError('uri')],
    ['EvalError', new EvalError('eval')],
  ])('%s keeps class, name, message and stack', (_name, error) => {
    const out = roundTrip(error);
    expect(out).toBeInstanceOf(error.constructor as typeof Error);
    expect(Object.getPrototypeOf(out)).toBe(Object.getPrototypeOf(error));
    expect(out.name).toBe(error.name);
    expect(out.message).toBe(error.message);
    expect(out.stack).toBe(error.stack);
  });

  it('keeps the cause chain, nested three deep, and non-Error causes', () => {
    const root = new RangeError('root', { cause: { detail: 'not an error', at: new Date(3) } });
    const middle = new TypeError('middle', { cause: root });
    const top = new Error('top', { cause: middle });
    const out = roundTrip(top);
    const outMiddle = out.cause as TypeError;
    const outRoot = outMiddle.cause as RangeError;
    expect(outMiddle).toBeInstanceOf(TypeError);
    expect(outMiddle.message).toBe('middle');
    expect(outMiddle.stack).toBe(middle.stack);
    expect(outRoot).toBeInstanceOf(RangeError);
    expect(outRoot.stack).toBe(root.stack);
    expect(outRoot.cause).toStrictEqual({ detail: 'not an error', at: new Date(3) });
    expect(roundTrip(new Error('s', { cause: 'a string cause' })).cause).toBe('a string cause');
  });

  it('keeps code and own fields (also Maps, BigInts and Files in them)', () => {
    const error = Object.assign(new Error('with fields'), { code: 'ENOENT', errno: -2, path: '/x', extra: new Map([[1, 2n]]), file });
    const out = roundTrip(error) as typeof error;
    expect(out.code).toBe('ENOENT');
    expect(out.errno).toBe(-2);
    expect(out.path).toBe('/x');
    expect(out.extra).toStrictEqual(new Map([[1, 2n]]));
    expect(File.isFile(out.file)).toBe(true);
    expect(out.file.url).toBe(file.url);
  });

  it('rebuilds ParslError subclasses: DependencyError with its BashExitFailure root cause', () => {
    const root = new BashExitFailure('compress', 3);
    const error = new DependencyError(5, [4], 4, root);
    const out = roundTrip(error);
    expect(out).toBeInstanceOf(DependencyError);
    expect(out).toBeInstanceOf(ParslError);
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe('DependencyError');
    expect(out.code).toBe(ErrorCodes.DependencyFailed);
    expect(out.hint).toBe(error.hint);
    expect(out.message).toBe(error.message);
    expect(out.stack).toBe(error.stack);
    expect(out.taskId).toBe(5);
    expect(out.failedDependencies).toEqual([4]);
    expect(out.rootTaskId).toBe(4);
    expect(out.cause).toBeInstanceOf(BashExitFailure);
    expect(out.rootCause).toBeInstanceOf(BashExitFailure);
    const outRoot = out.rootCause as BashExitFailure;
    expect(outRoot.exitCode).toBe(3);
    expect(outRoot.appName).toBe('compress');
    expect(outRoot.code).toBe(ErrorCodes.BashExitFailure);
    expect(outRoot.hint).toBe(root.hint);
    expect(outRoot.stack).toBe(root.stack);
    expect((outRoot as unknown as ParslError).describe()).toBe(root.describe());
  });

  it('rebuilds SerializationError with its code', () => {
    const out = roundTrip(new SerializationError('inner', { hint: 'h' }));
    expect(out).toBeInstanceOf(SerializationError);
    expect(out.code).toBe(ErrorCodes.Serialization);
    expect(out.hint).toBe('h');
  });

  it('keeps an unknown error class as an Error with its name', () => {
    class QuotaExceeded extends Error { override name = 'QuotaExceeded'; readonly limit = 10; }
    const out = roundTrip(new QuotaExceeded('over quota'));
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe('QuotaExceeded');
    expect(out.message).toBe('over quota');
    expect(out.limit).toBe(10);
  });

  it('keeps the errors of an AggregateError', () => {
    const out = roundTrip(new AggregateError([new TypeError('a'), new BashExitFailure('b', 1)], 'both failed'));
    expect(out).toBeInstanceOf(AggregateError);
    expect(out.errors).toHaveLength(2);
    expect(out.errors[0]).toBeInstanceOf(TypeError);
    expect(out.errors[1]).toBeInstanceOf(BashExitFailure);
  });

  it('round-trips errors anywhere in a structure', () => {
    const value = { results: [new TypeError('t'), 1], byTask: new Map([[3, new BashExitFailure('x', 2)]]) };
    const out = roundTrip(value);
    expect(out.results[0]).toBeInstanceOf(TypeError);
    expect(out.byTask.get(3)).toBeInstanceOf(BashExitFailure);
    expect((out.byTask.get(3) as BashExitFailure).exitCode).toBe(2);
  });

  it('still serializes an error whose fields hold functions, cycles or sockets', () => {
    const request: Record<string, unknown> = { method: 'GET', onDone: () => 1 };
    request.self = request;
    const error = Object.assign(new Error('request failed'), { request, then: undefined, weak: new WeakMap() });
    const out = roundTrip(error) as Error & { request: Record<string, unknown>; weak: unknown };
    expect(out.message).toBe('request failed');
    expect(out.request.method).toBe('GET');
    expect(out.request.onDone).toBeUndefined();
    expect(out.request.self).toBe('[circular]');
    expect(out.weak).toBe('[object WeakMap]');
  });

  it('survives an error whose cause is itself', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;
    const out = roundTrip(error);
    expect(out.message).toBe('loop');
    expect((out.cause as Error).message).toBe('loop');
  });
});

describe('msgpackSerializer payload format', () => {
  it('starts every payload with the literal header bytes "msgpack\\n"', () => {
    const payload = serializer.serialize({ a: 1 });
    expect([...payload.subarray(0, 8)]).toEqual([0x6d, 0x73, 0x67, 0x70, 0x61, 0x63, 0x6b, 0x0a]);
    expect(Buffer.from(payload.subarray(0, 8)).toString('latin1')).toBe('msgpack\n');
    expect(serializer.id).toBe('msgpack');
  });

  it('writes standard msgpack after the header for plain data', () => {
    const value = { a: [1, 'two', { three: 3.5 }], b: null, c: true };
    const payload = serializer.serialize(value);
    expect(standardUnpack(payload.subarray(8))).toStrictEqual(value);
  });

  it('returns a Uint8Array that owns its whole ArrayBuffer', () => {
    const payload = serializer.serialize({ task: 1, args: ['x'] });
    expect(payload).toBeInstanceOf(Uint8Array);
    expect(payload.byteOffset).toBe(0);
    expect(payload.buffer.byteLength).toBe(payload.byteLength);
  });

  it('does not reuse the memory of earlier payloads', () => {
    const first = serializer.serialize({ which: 'first', n: [1, 2, 3] });
    const copy = Uint8Array.from(first);
    for (let i = 0; i < 1000; i++) serializer.serialize({ which: 'later', i, pad: 'y'.repeat(i % 50) });
    expect(first).toEqual(copy);
    expect(serializer.deserialize(first)).toStrictEqual({ which: 'first', n: [1, 2, 3] });
  });

  it('decodes a payload that sits at an offset inside a larger buffer', () => {
    const payload = serializer.serialize(new Map([[1, 'one']]));
    const big = new Uint8Array(payload.length + 10);
    big.set(payload, 3);
    expect(serializer.deserialize(big.subarray(3, 3 + payload.length))).toStrictEqual(new Map([[1, 'one']]));
  });

  it('works in a SerializerRegistry next to core\'s json serializer', () => {
    const registry = new SerializerRegistry([jsonSerializer(), serializer]);
    const value = { when: new Date(1), n: 5n };
    expect(registry.deserialize(serializer.serialize(value))).toStrictEqual(value);
    expect(registry.deserialize(registry.get('json').serialize(value))).toStrictEqual(value);
  });

  it('leaves other users of msgpackr in the process unaffected', () => {
    const values = [new Error('e'), new Map([[1, 2]]), { a: new Date(0) }];
    const before = values.map((v) => [...defaultPack(v)]);
    msgpackSerializer();
    serializer.serialize(values);
    expect(values.map((v) => [...defaultPack(v)])).toEqual(before);
    const other = new Packr({ moreTypes: true, useRecords: false });
    expect(other.unpack(other.pack(new Map([[1, 2]])))).toStrictEqual({ 1: 2 });
  });

  it('describes itself with a plain-data descriptor', () => {
    expect(serializer.descriptor).toEqual({ package: '@parsl-ts/serializer-msgpack', export: 'msgpackSerializer', options: {} });
    expect(msgpackSerializer({ copyBuffers: false }).descriptor.options).toEqual({ copyBuffers: false });
    expect(structuredClone(serializer.descriptor)).toEqual(serializer.descriptor);
  });
});

describe('msgpackSerializer failures', () => {
  const catchError = (fn: () => unknown): SerializationError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SerializationError);
      return error as SerializationError;
    }
    throw new Error('expected a SerializationError');
  };

  it('refuses a payload of another serializer, naming it (PARSL_UNKNOWN_SERIALIZER)', () => {
    const error = catchError(() => serializer.deserialize(jsonSerializer().serialize({ a: 1 })));
    expect(error.code).toBe(ErrorCodes.UnknownSerializer);
    expect(error.message).toContain('"json"');
    expect(error.hint).toMatch(/SerializerRegistry/);
  });

  it.each([
    ['bytes without a header', new Uint8Array([0x81, 0xa1, 0x61, 0x01])],
    ['an empty payload', new Uint8Array(0)],
    ['a header cut short', new TextEncoder().encode('msgpa')],
  ])('refuses %s (PARSL_UNKNOWN_SERIALIZER)', (_name, payload) => {
    const error = catchError(() => serializer.deserialize(payload));
    expect(error.code).toBe(ErrorCodes.UnknownSerializer);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    ['a truncated body', (p: Uint8Array) => p.subarray(0, p.length - 5)],
    ['a header with no body', (p: Uint8Array) => p.subarray(0, 8)],
    ['trailing garbage', (p: Uint8Array) => Uint8Array.from([...p, 0x01, 0x02])],
    ['an unknown extension type', () => Uint8Array.from([...new TextEncoder().encode('msgpack\n'), 0xd4, 0x4f, 0x00])],
    ['a corrupt File', () => {
      const body = new Packr({ useRecords: false }).pack({ __parslFile: true, url: '' });
      return Uint8Array.from([...new TextEncoder().encode('msgpack\n'), 0xd4, 0x41, 0x00, ...body]);
    }],
  ])('refuses %s (PARSL_SERIALIZATION) with the cause and a hint', (_name, mangle) => {
    const payload = mangle(serializer.serialize({ name: 'a task', args: [1, 2, 3], big: 2n ** 100n }));
    const error = catchError(() => serializer.deserialize(payload));
    expect(error.code).toBe(ErrorCodes.Serialization);
    expect(error.message).toMatch(/corrupt or truncated/);
    expect(error.cause).toBeDefined();
    expect(error.hint).toMatch(/framing|version/);
  });

  it('refuses something that is not bytes', () => {
    const error = catchError(() => serializer.deserialize('msgpack\n' as unknown as Uint8Array));
    expect(error.code).toBe(ErrorCodes.Serialization);
    expect(error.message).toContain('a string');
  });

  it.each([
    ['a function at the top', () => 1, /^the value is a function/],
    ['a named function deep inside', { task: { args: [1, { cb: function done() {} }] } }, /^\$\.task\.args\[1\]\.cb is a function \(done\)/],
    ['a function under an odd key', { 'a key': [() => 0] }, /^\$\["a key"\]\[0\] is a function/],
    ['a symbol', { tag: Symbol('t') }, /^\$\.tag is a symbol \(Symbol\(t\)\)/],
    ['a symbol as a Map value', new Map([['k', Symbol.iterator]]), /^\$\.get\("k"\) is a symbol/],
    ['a function as a Map key', new Map([[() => 1, 1]]), /^\$\.keys\(\)\[0\] is a function/],
    ['a function in a Set', new Set([1, () => 2]), /^\$\.values\(\)\[1\] is a function/],
    ['a Promise', { pending: Promise.resolve(1) }, /^\$\.pending is a Promise/],
    ['a thenable', [{ then: (): void => {} }], /^\$\[0\]\.then is a function/],
    ['a WeakMap', { cache: new WeakMap() }, /^\$\.cache is a WeakMap/],
  ])('refuses %s, naming where it is (PARSL_SERIALIZATION)', (_name, value, message) => {
    const error = catchError(() => serializer.serialize(value));
    expect(error.code).toBe(ErrorCodes.Serialization);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });

  it('refuses a cyclic value, naming the back-reference', () => {
    const node: Record<string, unknown> = { name: 'a', children: [] };
    (node.children as unknown[]).push({ name: 'b', parent: node });
    const error = catchError(() => serializer.serialize({ root: node }));
    expect(error.message).toBe('the value contains a cycle: $.root.children[0].parent refers back to $.root');
    expect(error.hint).toMatch(/cycle/);
  });

  it('refuses a value nested too deeply for the stack', () => {
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < 200_000; i++) { const next: unknown[] = []; deep.push(next); deep = next; }
    const error = catchError(() => serializer.serialize(root));
    expect(error.message).toMatch(/nested too deeply/);
  });

  it('reports a throwing getter as a SerializationError with its cause', () => {
    const value = { get broken(): never { throw new Error('getter failed'); } };
    const error = catchError(() => serializer.serialize(value));
    expect(error.message).toContain('getter failed');
    expect((error.cause as Error).message).toBe('getter failed');
  });

  it('keeps working after a failure', () => {
    catchError(() => serializer.serialize({ f: () => 1 }));
    expect(roundTrip({ ok: new Map([[1, 2]]) })).toStrictEqual({ ok: new Map([[1, 2]]) });
  });

  it('rejects unknown or mistyped options with a ConfigError', () => {
    expect(() => msgpackSerializer({ copyBufers: true } as never)).toThrow(ConfigError);
    expect(() => msgpackSerializer({ copyBuffers: 'yes' } as never)).toThrow(/copyBuffers must be a boolean/);
  });
});
