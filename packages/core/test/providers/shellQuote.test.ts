import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/index.js';

describe('shellQuote', () => {
  it('leaves safe words as they are and quotes the rest', () => {
    expect(shellQuote('block-0.submit')).toBe('block-0.submit');
    expect(shellQuote('/a/b:c=d,e@f%g+h')).toBe('/a/b:c=d,e@f%g+h');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('makes bash read back exactly the text, as one word', () => {
    for (const text of ['', 'plain', "it's $HOME `id` *", 'two\nlines', '"quoted" \\ back', '~user', "''"]) {
      const out = execFileSync('bash', ['-c', `printf '%s|' ${shellQuote(text)}`], { encoding: 'utf8' });
      expect(out).toBe(`${text}|`);
    }
  });
});
