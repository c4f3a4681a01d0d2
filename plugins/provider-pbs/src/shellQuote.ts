// POSIX shell quoting (the same rules as shellQuote in @parsl-ts/launchers; plugins do not import
// each other). Internal.

/** Quote a string as one POSIX shell word: safe words as they are, others in single quotes. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
