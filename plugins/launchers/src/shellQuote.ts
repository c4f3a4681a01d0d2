import { ConfigError } from '@parsl-ts/core';

/** Words made only of these characters mean the same to every POSIX shell when left unquoted. */
const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

/**
 * Quote a string so that a POSIX shell (bash, dash, zsh in sh mode) reads it back as exactly one
 * word with exactly this text: no expansion of `$`, backquotes, globs, `~` or history, and
 * newlines, spaces and quotes kept as they are. Words of safe characters only (letters, digits
 * and `_ / . , : = @ % + -`) are returned as they are, everything else is put in single quotes,
 * with each `'` written as `'\''`.
 *
 * @throws ConfigError (`PARSL_INVALID_CONFIG`) for a string with a NUL character, which no
 * command line can carry.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * shellQuote('plain-word');            // plain-word
 * shellQuote("it's $HOME");            // 'it'\''s $HOME'
 * `bash -c ${shellQuote(command)}`;     // runs `command` exactly as written
 * ```
 */
export function shellQuote(value: string): string {
  if (typeof value !== 'string') {
    throw new ConfigError(`shellQuote expects a string, got ${typeof value}`, { hint: 'pass the command line as a string' });
  }
  if (value.includes('\0')) {
    throw new ConfigError('a shell word cannot contain a NUL character', {
      hint: 'remove the NUL (\\0) character from the command or option',
    });
  }
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
