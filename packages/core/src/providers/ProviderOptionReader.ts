import { ErrorCodes } from '../errors/codes.js';
import { ConfigError } from '../errors/usageErrors.js';
import type { Launcher } from '../interfaces/Launcher.js';
import { describeValue } from './describeValue.js';

/**
 * How {@link ProviderOptionReader.walltime} reads a walltime.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const rules: WalltimeRules = { allowDays: true, hint: "give seconds (3600), 'HH:MM:SS' or 'D-HH:MM:SS'" };
 * ```
 */
export interface WalltimeRules {
  /** Accept Slurm's `D-HH:MM:SS` as well as seconds and `HH:MM:SS`. Default false. */
  readonly allowDays?: boolean;
  /** The hint of the error for a bad walltime (it names the forms this provider takes). */
  readonly hint: string;
}

/**
 * The block-count options every provider takes (read by {@link ProviderOptionReader.blockCounts}):
 * a provider's options interface extends it.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * export interface MyProviderOptions extends BlockCountOptions { readonly queue?: string }
 * const options: MyProviderOptions = { queue: 'debug', maxBlocks: 4, parallelism: 0.5 };
 * ```
 */
export interface BlockCountOptions {
  /** Blocks the executor starts with. Default 1. */
  readonly initBlocks?: number;
  /** Blocks kept even when idle. Default 0. */
  readonly minBlocks?: number;
  /** Never more blocks than this. Default 1. */
  readonly maxBlocks?: number;
  /** Slots provisioned per outstanding task that the strategy aims for, 0..1. Default 1. */
  readonly parallelism?: number;
}

/**
 * The block counts every provider takes, checked together: `initBlocks` (default 1), `minBlocks`
 * (0), `maxBlocks` (1) and `parallelism` (1, between 0 and 1).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const { initBlocks, minBlocks, maxBlocks, parallelism }: BlockCounts = reader.blockCounts();
 * ```
 */
export interface BlockCounts {
  /** Blocks the executor starts with. */
  readonly initBlocks: number;
  /** Blocks kept even when idle. */
  readonly minBlocks: number;
  /** Never more blocks than this. */
  readonly maxBlocks: number;
  /** Slots provisioned per outstanding task that the strategy aims for, 0..1. */
  readonly parallelism: number;
}

/**
 * Reads a provider's plain-data options and refuses bad ones with a {@link ConfigError}
 * (`PARSL_INVALID_CONFIG`) whose path names the option (`SlurmProvider.walltime`) and whose hint
 * says what to give instead. Each method reads one option, returning its default when the option
 * is left out. The constructor refuses options that are not an object.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const reader = new ProviderOptionReader('MyProvider', options, "{ queue: 'debug' }");
 * reader.onlyKeys(['label', 'queue', 'walltime', 'nodesPerBlock']);
 * const label = reader.string('label', 'mine', true);
 * const nodesPerBlock = reader.wholeNumber('nodesPerBlock', 1, 1);
 * const walltimeSeconds = reader.walltime(1200, { hint: "give seconds (3600) or 'HH:MM:SS' ('01:00:00')" });
 * ```
 */
export class ProviderOptionReader {
  /** The class whose options these are: the first part of each error's path. */
  readonly owner: string;
  readonly #options: Readonly<Record<string, unknown>>;

  /**
   * @param owner - The provider's class name, e.g. `SlurmProvider`.
   * @param options - What the user passed.
   * @param example - Options to show in the hint when `options` is not an object, e.g. `{ partition: 'debug' }`.
   */
  constructor(owner: string, options: unknown, example: string) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ConfigError(`the options of ${owner} must be an object, got ${describeValue(options)}`, {
        path: owner, hint: `pass plain data, e.g. new ${owner}(${example})`, code: ErrorCodes.InvalidConfig,
      });
    }
    this.owner = owner;
    this.#options = options as Readonly<Record<string, unknown>>;
  }

  /** Throw the coded error for the option `key` (path `<owner>.<key>`). */
  fail(key: string, message: string, hint: string): never {
    throw new ConfigError(message, { path: `${this.owner}.${key}`, hint, code: ErrorCodes.InvalidConfig });
  }

  /** The option as given, unchecked (for checks of a provider's own). */
  raw(key: string): unknown {
    return this.#options[key];
  }

  /** Refuse every option not in `keys` (a misspelt option would otherwise be ignored). */
  onlyKeys(keys: Iterable<string>): void {
    const known = [...keys];
    for (const key of Object.keys(this.#options)) {
      if (!known.includes(key)) this.fail(key, `is not an option of ${this.owner}`, `known options: ${known.join(', ')}`);
    }
  }

  /** A whole number >= `min`, or `fallback` when left out. */
  wholeNumber(key: string, fallback: number, min: number): number;
  /** A whole number >= `min`, or undefined when left out. */
  wholeNumber(key: string, fallback: undefined, min: number): number | undefined;
  wholeNumber(key: string, fallback: number | undefined, min: number): number | undefined {
    const value = this.#options[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.fail(key, `must be a whole number >= ${min}, got ${describeValue(value)}`,
        `set ${key} to ${min} or more, or leave it out${fallback === undefined ? '' : ` for the default (${fallback})`}`);
    }
    return value;
  }

  /** A finite number in [`min`, `max`] (`min` itself refused when `exclusiveMin`), or `fallback`. */
  number(key: string, fallback: number, min: number, max: number, exclusiveMin = false): number {
    const value = this.#options[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value > max || value < min || (exclusiveMin && value === min)) {
      const range = max === Infinity ? `${exclusiveMin ? '>' : '>='} ${min}` : `between ${min} and ${max}`;
      this.fail(key, `must be a number ${range}, got ${describeValue(value)}`, `leave ${key} out for the default (${fallback})`);
    }
    return value;
  }

  /** A string without NUL (several lines allowed; not blank when `nonEmpty`), or `fallback`. */
  string(key: string, fallback: string, nonEmpty = false): string {
    const value = this.#options[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || (nonEmpty && value.trim() === '')) {
      this.fail(key, `must be a${nonEmpty ? ' non-empty' : ''} string, got ${describeValue(value)}`, `leave ${key} out for the default${fallback ? ` (${fallback})` : ''}`);
    }
    if (value.includes('\0')) this.fail(key, 'must not contain a NUL character', 'remove the NUL (\\0) character');
    return value;
  }

  /** `true` or `false`, or `fallback`. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.#options[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(key, `must be true or false, got ${describeValue(value)}`, `set ${key}: true or false`);
    return value;
  }

  /** Extra environment variables (option `env`): names a shell accepts, string values without NUL. Frozen; `{}` when left out. */
  env(): Readonly<Record<string, string>> {
    const value = this.#options.env;
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail('env', `must be an object of strings, got ${describeValue(value)}`, "e.g. env: { OMP_NUM_THREADS: '1' }");
    }
    const env: Record<string, string> = {};
    for (const [name, text] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.fail(`env.${name}`, 'is not a valid environment variable name', 'use letters, digits and _, not starting with a digit');
      if (typeof text !== 'string' || text.includes('\0')) this.fail(`env.${name}`, `must be a string without NUL, got ${describeValue(text)}`, 'give the value as a string');
      env[name] = text;
    }
    return Object.freeze(env);
  }

  /**
   * The option `walltime` in seconds: a number > 0, or `HH:MM:SS` as Parsl's (hours may exceed
   * 24; `D-HH:MM:SS` too with `allowDays`). `fallback` when left out.
   */
  walltime(fallback: number, rules: WalltimeRules): number;
  /** The option `walltime` in seconds, or undefined (no limit) when left out. */
  walltime(fallback: undefined, rules: WalltimeRules): number | undefined;
  walltime(fallback: number | undefined, rules: WalltimeRules): number | undefined {
    const value = this.#options.walltime;
    if (value === undefined) return fallback;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value <= 0) this.fail('walltime', `must be more than 0 seconds, got ${describeValue(value)}`, rules.hint);
      return value;
    }
    if (typeof value === 'string') {
      const match = /^\s*(?:(\d+)-)?(\d+):([0-5]?\d):([0-5]?\d)\s*$/.exec(value);
      if (match && (rules.allowDays || match[1] === undefined)) {
        const seconds = Number(match[1] ?? 0) * 86400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
        if (seconds > 0) return seconds;
      }
    }
    return this.fail('walltime', `must be seconds or 'HH:MM:SS' and more than 0, got ${describeValue(value)}`, rules.hint);
  }

  /** `initBlocks`, `minBlocks`, `maxBlocks` and `parallelism`, with Parsl's defaults; refuses `maxBlocks < minBlocks` and `initBlocks > maxBlocks`. */
  blockCounts(): BlockCounts {
    const initBlocks = this.wholeNumber('initBlocks', 1, 0);
    const minBlocks = this.wholeNumber('minBlocks', 0, 0);
    const maxBlocks = this.wholeNumber('maxBlocks', 1, 0);
    if (maxBlocks < minBlocks) this.fail('maxBlocks', `(${maxBlocks}) is below minBlocks (${minBlocks})`, 'set maxBlocks >= minBlocks');
    if (initBlocks > maxBlocks) this.fail('initBlocks', `(${initBlocks}) is above maxBlocks (${maxBlocks})`, 'set initBlocks <= maxBlocks, or raise maxBlocks');
    return { initBlocks, minBlocks, maxBlocks, parallelism: this.number('parallelism', 1, 0, 1) };
  }

  /**
   * The option `launcher`: any object with a `wrap` method, or `fallback` when left out.
   * `example` names a launcher of `@parsl-ts/launchers` for the hint (e.g. `SrunLauncher`).
   */
  launcher(fallback: Launcher, example: string): Launcher {
    const value = this.#options.launcher;
    if (value === undefined) return fallback;
    if (typeof value !== 'object' || value === null || typeof (value as Launcher).wrap !== 'function') {
      this.fail('launcher', `must be a launcher (an object with a wrap method), got ${describeValue(value)}`,
        `use one from @parsl-ts/launchers, e.g. new ${example}(); in a config file: { "package": "@parsl-ts/launchers", "export": "${example}" }`);
    }
    return value as Launcher;
  }
}
