import { describe, expect, it } from 'vitest';
import { ConfigError } from '@parsl-ts/core';
import { shellQuote } from '../src/index.js';
import { runBash } from './helpers.js';

describe('shellQuote', () => {
  it.each([
    ['plain-word_1.txt', 'plain-word_1.txt'],
    ['/usr/bin/env', '/usr/bin/env'],
    ['--opt=a,b:c@d%e+f', '--opt=a,b:c@d%e+f'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['~', "'~'"],
    ['*', "'*'"],
    ["'", "''\\'''"],
    ['line1\nline2', "'line1\nline2'"],
  ])('quotes %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
  });

  it('refuses a NUL character with a coded error', () => {
    expect(() => shellQuote('a\0b')).toThrow(ConfigError);
    try {
      shellQuote('a\0b');
    } catch (e) {
      expect((e as ConfigError).code).toBe('PARSL_INVALID_CONFIG');
      expect((e as ConfigError).hint).toMatch(/NUL/);
    }
  });

  it('round-trips awkward and random strings through bash', async () => {
    const specials = ` \t\n'"\\$\`!*?[]{}()<>|&;#~%^=,.:@+-_/é✓\r`;
    const samples = [
      `it's "$HOME" and \`id\` and $(id) and \\n and '\\'' and EOF`,
      '!!', '-n', '-e', '--', '*', '~root', '{a,b}', '$((1+1))', "'''", '\\', '\n', ' leading and trailing ',
    ];
    let seed = 42;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(random() * 20);
      let s = '';
      for (let j = 0; j < length; j++) {
        s += random() < 0.6 ? specials[Math.floor(random() * specials.length)] : String.fromCharCode(32 + Math.floor(random() * 95));
      }
      samples.push(s);
    }
    const script = `printf '%s\\0' ${samples.map(shellQuote).join(' ')}`;
    const result = await runBash(script);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(samples);
  });
});
