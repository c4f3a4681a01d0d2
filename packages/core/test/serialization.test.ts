import { describe, expect, it } from 'vitest';
import { BashExitFailure, File, jsonSerializer, SerializerRegistry, splitHeader, withHeader } from '../src/index.js';

describe('serializer headers', () => {
  it('prefixes and splits', () => {
    const payload = withHeader('json', new Uint8Array([1, 2]));
    expect(new TextDecoder().decode(payload.subarray(0, 5))).toBe('json\n');
    const { id, body } = splitHeader(payload);
    expect(id).toBe('json');
    expect([...body]).toEqual([1, 2]);
  });

  it('rejects a payload without a header, with a coded error', () => {
    expect(() => splitHeader(new Uint8Array(100).fill(65))).toThrow(expect.objectContaining({ code: 'PARSL_UNKNOWN_SERIALIZER' }));
  });

  it('the registry names the known serializers when one is missing', () => {
    const registry = new SerializerRegistry([jsonSerializer()]);
    expect(() => registry.deserialize(withHeader('pickle', new Uint8Array()))).toThrow(/no serializer "pickle".*known: json/);
  });
});

describe('jsonSerializer (core fallback)', () => {
  const s = jsonSerializer();
  const cases: [string, unknown][] = [
    ['number', 42], ['string', 'hé'], ['null', null], ['undefined', undefined], ['NaN', Number.NaN], ['-Infinity', -Infinity],
    ['bigint', -(2n ** 80n)], ['date', new Date(1_700_000_000_000)], ['map', new Map<unknown, unknown>([[1, 'a'], ['k', [2n]]])],
    ['set', new Set([1, 'x'])], ['nested undefined', { a: undefined, b: [undefined, 1] }],
    ['Float64Array', new Float64Array([1.5, -2])], ['Uint8Array', new Uint8Array([0, 255])], ['Buffer', Buffer.from('hi')],
  ];
  it.each(cases)('round-trips %s', (_, value) => {
    expect(s.deserialize(s.serialize(value))).toStrictEqual(value);
  });

  it('round-trips Errors and Files with their classes', () => {
    const back = s.deserialize(s.serialize([new BashExitFailure('x', 4), new File('/tmp/f')])) as [BashExitFailure, File];
    expect(back[0]).toBeInstanceOf(BashExitFailure);
    expect(back[0].exitCode).toBe(4);
    expect(File.isFile(back[1])).toBe(true);
    expect(back[1].path).toBe('/tmp/f');
  });

  it('names the path of a value it cannot serialize', () => {
    expect(() => s.serialize({ a: [1, () => 0] })).toThrow(/\$\.a\[1\] is a function/);
  });
});
