import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/index.js';

describe('describeValue', () => {
  it('says what a value is, briefly', () => {
    expect([null, [1, 2], { a: 1 }, 'text', -1, true, undefined, 10n].map(describeValue))
      .toEqual(['null', 'a list', 'an object', '"text"', 'number -1', 'boolean true', 'undefined undefined', 'bigint 10']);
  });

  it('quotes strings as JSON and cuts them after 60 characters', () => {
    expect(describeValue('a"b\n')).toBe('"a\\"b\\n"');
    expect(describeValue('z'.repeat(60))).toBe(`"${'z'.repeat(60)}"`);
    expect(describeValue('z'.repeat(61))).toBe(`"${'z'.repeat(60)}..."`);
  });
});
