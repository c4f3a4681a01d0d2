/** Words made only of these characters mean the same to every POSIX shell when left unquoted. */
const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

/**
 * Quote a string as one POSIX shell word: words of safe characters only (letters, digits and
 * `_ / . , : = @ % + -`) as they are, everything else in single quotes, with each `'` written as
 * `'\''`. Providers use it for the command lines they show and the scripts they write. The text
 * must not contain a NUL character (no shell word can); validate it before.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * shellQuote('block-0');      // block-0
 * shellQuote("it's $HOME");   // 'it'\''s $HOME'
 * ```
 */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
