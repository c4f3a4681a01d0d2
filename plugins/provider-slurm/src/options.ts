// Validation of SlurmProvider's plain-data options. Internal.
import { ConfigError, ErrorCodes } from '@parsl-ts/core';

const PREFIX = 'SlurmProvider';

/** Throw the coded error for one bad option. */
export function bad(key: string, message: string, hint: string): never {
  throw new ConfigError(message, { path: `${PREFIX}.${key}`, hint, code: ErrorCodes.InvalidConfig });
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A whole number >= min, or the default. */
export function wholeNumber(options: Record<string, unknown>, key: string, fallback: number, min: number): number;
export function wholeNumber(options: Record<string, unknown>, key: string, fallback: undefined, min: number): number | undefined;
export function wholeNumber(options: Record<string, unknown>, key: string, fallback: number | undefined, min: number): number | undefined {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    bad(key, `must be a whole number >= ${min}, got ${describe(value)}`,
      `set ${key} to ${min} or more, or leave it out${fallback === undefined ? '' : ` for the default (${fallback})`}`);
  }
  return value;
}

/** A finite number in [min, max] (min excluded when `exclusiveMin`), or the default. */
export function numberIn(
  options: Record<string, unknown>, key: string, fallback: number, min: number, max: number, exclusiveMin = false,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value > max || value < min || (exclusiveMin && value === min)) {
    const range = max === Infinity ? `${exclusiveMin ? '>' : '>='} ${min}` : `between ${min} and ${max}`;
    bad(key, `must be a number ${range}, got ${describe(value)}`, `leave ${key} out for the default (${fallback})`);
  }
  return value;
}

/** A boolean, or the default. */
export function booleanOption(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') bad(key, `must be true or false, got ${describe(value)}`, `set ${key}: true or false`);
  return value;
}

/** A string (multi-line allowed), or the default. */
export function stringOption(options: Record<string, unknown>, key: string, fallback: string, nonEmpty = false): string {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (nonEmpty && value.trim() === '')) {
    bad(key, `must be a${nonEmpty ? ' non-empty' : ''} string, got ${describe(value)}`, `leave ${key} out for the default${fallback ? ` (${fallback})` : ''}`);
  }
  if (value.includes('\0')) bad(key, 'must not contain a NUL character', 'remove the NUL (\\0) character');
  return value;
}

/**
 * A one-line value that goes into an `#SBATCH` directive (partition, account, ...): no newline,
 * no double quote (sbatch reads directives with its own quoting), or undefined when not set.
 */
export function directiveValue(options: Record<string, unknown>, key: string, example: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /["\n\r\0]/.test(value)) {
    bad(key, `must be a non-empty one-line string without double quotes, got ${describe(value)}`, `e.g. ${key}: '${example}'`);
  }
  return value.trim();
}

/**
 * A walltime: seconds (a number > 0) or `HH:MM:SS` (hours may exceed 24), as Parsl's; Slurm's own
 * `D-HH:MM:SS` is accepted too.
 */
export function parseWalltime(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const hint = "give seconds (3600), 'HH:MM:SS' ('01:00:00') or 'D-HH:MM:SS' ('2-00:00:00')";
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) bad('walltime', `must be more than 0 seconds, got ${describe(value)}`, hint);
    return value;
  }
  if (typeof value === 'string') {
    const match = /^\s*(?:(\d+)-)?(\d+):([0-5]?\d):([0-5]?\d)\s*$/.exec(value);
    if (match) {
      const seconds = Number(match[1] ?? 0) * 86400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
      if (seconds > 0) return seconds;
    }
  }
  return bad('walltime', `must be seconds or 'HH:MM:SS' and more than 0, got ${describe(value)}`, hint);
}

/** Extra environment variables: names a shell accepts, string values. */
export function envOption(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('env', `must be an object of strings, got ${describe(value)}`, "e.g. env: { OMP_NUM_THREADS: '1' }");
  }
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad(`env.${name}`, 'is not a valid environment variable name', 'use letters, digits and _, not starting with a digit');
    if (typeof text !== 'string' || text.includes('\0')) bad(`env.${name}`, `must be a string without NUL, got ${describe(text)}`, 'give the value as a string');
    env[name] = text;
  }
  return Object.freeze(env);
}
