// Validation of LocalProvider's plain-data options. Internal.
import { ConfigError, ErrorCodes } from '@parsl-ts/core';

const PREFIX = 'LocalProvider';

/** Throw the coded error for one bad option. */
export function bad(key: string, message: string, hint: string): never {
  throw new ConfigError(message, { path: `${PREFIX}.${key}`, hint, code: ErrorCodes.InvalidConfig });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A whole number >= min, or the default. */
export function wholeNumber(options: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    bad(key, `must be a whole number >= ${min}, got ${describe(value)}`, `set ${key} to ${min} or more, or leave it out for the default (${fallback})`);
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

/** A string, or the default. */
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
 * A walltime: seconds (a number > 0) or Parsl's `HH:MM:SS` (hours may exceed 24). `undefined`
 * means no limit.
 */
export function parseWalltime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) {
      bad('walltime', `must be more than 0 seconds, got ${describe(value)}`, "give seconds (3600) or 'HH:MM:SS' ('01:00:00'), or leave it out for no limit");
    }
    return value;
  }
  if (typeof value === 'string') {
    const match = /^\s*(\d+):([0-5]?\d):([0-5]?\d)\s*$/.exec(value);
    if (match) {
      const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
      if (seconds > 0) return seconds;
    }
  }
  return bad('walltime', `must be seconds or 'HH:MM:SS' and more than 0, got ${describe(value)}`,
    "give seconds (3600) or 'HH:MM:SS' ('01:00:00'), or leave it out for no limit");
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
