// Validation of the PBS providers' plain-data options. Internal. `owner` is the class name that
// prefixes the option's path in errors (`PBSProProvider.queue`).
import { ConfigError, ErrorCodes } from '@parsl-ts/core';

/** Throw the coded error for one bad option. */
export function bad(owner: string, key: string, message: string, hint: string): never {
  throw new ConfigError(message, { path: `${owner}.${key}`, hint, code: ErrorCodes.InvalidConfig });
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
export function wholeNumber(owner: string, options: Record<string, unknown>, key: string, fallback: number, min: number): number;
export function wholeNumber(owner: string, options: Record<string, unknown>, key: string, fallback: undefined, min: number): number | undefined;
export function wholeNumber(owner: string, options: Record<string, unknown>, key: string, fallback: number | undefined, min: number): number | undefined {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    bad(owner, key, `must be a whole number >= ${min}, got ${describe(value)}`,
      `set ${key} to ${min} or more, or leave it out${fallback === undefined ? '' : ` for the default (${fallback})`}`);
  }
  return value;
}

/** A finite number in [min, max] (min excluded when `exclusiveMin`), or the default. */
export function numberIn(
  owner: string, options: Record<string, unknown>, key: string, fallback: number, min: number, max: number, exclusiveMin = false,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value > max || value < min || (exclusiveMin && value === min)) {
    const range = max === Infinity ? `${exclusiveMin ? '>' : '>='} ${min}` : `between ${min} and ${max}`;
    bad(owner, key, `must be a number ${range}, got ${describe(value)}`, `leave ${key} out for the default (${fallback})`);
  }
  return value;
}

/** A string (multi-line allowed), or the default. */
export function stringOption(owner: string, options: Record<string, unknown>, key: string, fallback: string, nonEmpty = false): string {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (nonEmpty && value.trim() === '')) {
    bad(owner, key, `must be a${nonEmpty ? ' non-empty' : ''} string, got ${describe(value)}`, `leave ${key} out for the default${fallback ? ` (${fallback})` : ''}`);
  }
  if (value.includes('\0')) bad(owner, key, 'must not contain a NUL character', 'remove the NUL (\\0) character');
  return value;
}

/**
 * A one-word value for a qsub option or a resource (queue, account, place): no whitespace, no
 * quotes or shell characters (the Torque wrappers of Slurm build a shell string from them), or
 * undefined when not set.
 */
export function wordOption(owner: string, options: Record<string, unknown>, key: string, example: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:@%+=,\/-]+$/.test(value)) {
    bad(owner, key, `must be one word of letters, digits and _ . : @ % + = , / -, got ${describe(value)}`, `e.g. ${key}: '${example}'`);
  }
  return value;
}

/** A walltime: seconds (a number > 0) or `HH:MM:SS` (hours may exceed 24), as Parsl's. */
export function parseWalltime(owner: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const hint = "give seconds (3600) or 'HH:MM:SS' ('01:00:00')";
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) bad(owner, 'walltime', `must be more than 0 seconds, got ${describe(value)}`, hint);
    return value;
  }
  if (typeof value === 'string') {
    const match = /^\s*(\d+):([0-5]?\d):([0-5]?\d)\s*$/.exec(value);
    if (match) {
      const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
      if (seconds > 0) return seconds;
    }
  }
  return bad(owner, 'walltime', `must be seconds or 'HH:MM:SS' and more than 0, got ${describe(value)}`, hint);
}

/** Extra environment variables: names a shell accepts, string values. */
export function envOption(owner: string, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(owner, 'env', `must be an object of strings, got ${describe(value)}`, "e.g. env: { OMP_NUM_THREADS: '1' }");
  }
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad(owner, `env.${name}`, 'is not a valid environment variable name', 'use letters, digits and _, not starting with a digit');
    if (typeof text !== 'string' || text.includes('\0')) bad(owner, `env.${name}`, `must be a string without NUL, got ${describe(text)}`, 'give the value as a string');
    env[name] = text;
  }
  return Object.freeze(env);
}
