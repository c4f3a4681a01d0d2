// ProviderOptionReader: defaults, accepted forms, and the coded error (path, message, hint) for each bad option.
import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderOptionReader, type Launcher } from '../../src/index.js';

const reader = (options: unknown): ProviderOptionReader => new ProviderOptionReader('TestProvider', options, "{ queue: 'debug' }");

/** The ConfigError `read` throws, as plain fields. */
function refusal(read: () => unknown): { code: string; path: string | undefined; message: string; hint: string | undefined } {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const error = e as ConfigError;
    return { code: error.code, path: error.path, message: error.message, hint: error.hint };
  }
  throw new Error('the option was accepted');
}

describe('ProviderOptionReader', () => {
  it('refuses options that are not an object, showing an example', () => {
    for (const options of ['local', null, [1], 5]) {
      expect(refusal(() => reader(options))).toMatchObject({
        code: 'PARSL_INVALID_CONFIG', path: 'TestProvider', hint: "pass plain data, e.g. new TestProvider({ queue: 'debug' })",
      });
    }
    expect(refusal(() => reader([1])).message).toBe('TestProvider: the options of TestProvider must be an object, got a list');
  });

  it('refuses an unknown option, listing the known ones', () => {
    expect(refusal(() => reader({ maxblocks: 2 }).onlyKeys(['label', 'maxBlocks']))).toEqual({
      code: 'PARSL_INVALID_CONFIG', path: 'TestProvider.maxblocks', message: 'TestProvider.maxblocks: is not an option of TestProvider',
      hint: 'known options: label, maxBlocks',
    });
    expect(() => reader({ label: 'x' }).onlyKeys(new Set(['label']))).not.toThrow();
  });

  it('gives the defaults for options left out', () => {
    const o = reader({});
    expect([o.wholeNumber('n', 3, 1), o.wholeNumber('m', undefined, 1), o.number('p', 0.5, 0, 1), o.string('s', 'd'), o.boolean('b', true)])
      .toEqual([3, undefined, 0.5, 'd', true]);
    expect(o.env()).toEqual({});
    expect(o.walltime(600, { hint: 'h' })).toBe(600);
    expect(o.walltime(undefined, { hint: 'h' })).toBeUndefined();
    expect(o.blockCounts()).toEqual({ initBlocks: 1, minBlocks: 0, maxBlocks: 1, parallelism: 1 });
    const fallback: Launcher = { name: 'built in', wrap: (c) => c };
    expect(o.launcher(fallback, 'SrunLauncher')).toBe(fallback);
    expect(o.raw('nothing')).toBeUndefined();
  });

  it('reads numbers, strings, booleans and the environment', () => {
    const o = reader({ n: 4, p: 1, s: 'two\nlines', b: false, env: { A_1: "it's", _B: '' } });
    expect(o.wholeNumber('n', 1, 1)).toBe(4);
    expect(o.number('p', 0.5, 0, 1)).toBe(1);
    expect(o.string('s', '', true)).toBe('two\nlines');
    expect(o.boolean('b', true)).toBe(false);
    const env = o.env();
    expect(env).toEqual({ A_1: "it's", _B: '' });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it.each([
    ['a negative whole number', (o: ProviderOptionReader) => o.wholeNumber('n', 1, 0), { n: -1 },
      'TestProvider.n: must be a whole number >= 0, got number -1', 'set n to 0 or more, or leave it out for the default (1)'],
    ['a fraction without a default', (o: ProviderOptionReader) => o.wholeNumber('n', undefined, 1), { n: 1.5 },
      'TestProvider.n: must be a whole number >= 1, got number 1.5', 'set n to 1 or more, or leave it out'],
    ['a number above the range', (o: ProviderOptionReader) => o.number('p', 1, 0, 1), { p: 2 },
      'TestProvider.p: must be a number between 0 and 1, got number 2', 'leave p out for the default (1)'],
    ['the excluded minimum', (o: ProviderOptionReader) => o.number('t', 30, 0, Infinity, true), { t: 0 },
      'TestProvider.t: must be a number > 0, got number 0', 'leave t out for the default (30)'],
    ['a number below an open range', (o: ProviderOptionReader) => o.number('g', 5, 0, Infinity), { g: -1 },
      'TestProvider.g: must be a number >= 0, got number -1', 'leave g out for the default (5)'],
    ['a blank string where one is needed', (o: ProviderOptionReader) => o.string('label', 'x', true), { label: ' ' },
      'TestProvider.label: must be a non-empty string, got " "', 'leave label out for the default (x)'],
    ['a list for a string', (o: ProviderOptionReader) => o.string('workerInit', ''), { workerInit: ['a'] },
      'TestProvider.workerInit: must be a string, got a list', 'leave workerInit out for the default'],
    ['a NUL in a string', (o: ProviderOptionReader) => o.string('s', ''), { s: 'a\0b' },
      'TestProvider.s: must not contain a NUL character', 'remove the NUL (\\0) character'],
    ['a string for a boolean', (o: ProviderOptionReader) => o.boolean('exclusive', true), { exclusive: 'yes' },
      'TestProvider.exclusive: must be true or false, got "yes"', 'set exclusive: true or false'],
    ['env that is not an object', (o: ProviderOptionReader) => o.env(), { env: 'A=1' },
      'TestProvider.env: must be an object of strings, got "A=1"', "e.g. env: { OMP_NUM_THREADS: '1' }"],
    ['env with a bad name', (o: ProviderOptionReader) => o.env(), { env: { 'A-B': 'x' } },
      'TestProvider.env.A-B: is not a valid environment variable name', 'use letters, digits and _, not starting with a digit'],
    ['env with a number', (o: ProviderOptionReader) => o.env(), { env: { A: 1 } },
      'TestProvider.env.A: must be a string without NUL, got number 1', 'give the value as a string'],
    ['maxBlocks below minBlocks', (o: ProviderOptionReader) => o.blockCounts(), { minBlocks: 3, maxBlocks: 2 },
      'TestProvider.maxBlocks: (2) is below minBlocks (3)', 'set maxBlocks >= minBlocks'],
    ['initBlocks above maxBlocks', (o: ProviderOptionReader) => o.blockCounts(), { initBlocks: 2 },
      'TestProvider.initBlocks: (2) is above maxBlocks (1)', 'set initBlocks <= maxBlocks, or raise maxBlocks'],
    ['parallelism above 1', (o: ProviderOptionReader) => o.blockCounts(), { parallelism: 1.5 },
      'TestProvider.parallelism: must be a number between 0 and 1, got number 1.5', 'leave parallelism out for the default (1)'],
    ['a launcher that is a string', (o: ProviderOptionReader) => o.launcher({ name: 'b', wrap: (c) => c }, 'SrunLauncher'), { launcher: 'srun' },
      'TestProvider.launcher: must be a launcher (an object with a wrap method), got "srun"',
      'use one from @parsl-ts/launchers, e.g. new SrunLauncher(); in a config file: { "package": "@parsl-ts/launchers", "export": "SrunLauncher" }'],
    ['a long string, cut in the message', (o: ProviderOptionReader) => o.wholeNumber('n', 1, 1), { n: 'y'.repeat(80) },
      `TestProvider.n: must be a whole number >= 1, got "${'y'.repeat(60)}..."`, 'set n to 1 or more, or leave it out for the default (1)'],
  ])('refuses %s with PARSL_INVALID_CONFIG, naming it', (_, read, options, message, hint) => {
    expect(refusal(() => read(reader(options)))).toEqual({ code: 'PARSL_INVALID_CONFIG', path: message.slice(0, message.indexOf(':')), message, hint });
  });

  it('reads walltimes as seconds, HH:MM:SS, and D-HH:MM:SS where allowed', () => {
    const hint = "give seconds (3600) or 'HH:MM:SS' ('01:00:00')";
    const read = (walltime: unknown, allowDays = false): number => reader({ walltime }).walltime(600, { hint, allowDays });
    expect([read(90), read(0.5), read('01:30:05'), read(' 100:00:00 '), read('0:1:2')]).toEqual([90, 0.5, 5405, 360_000, 62]);
    expect(read('2-01:00:00', true)).toBe(2 * 86400 + 3600);
    expect(refusal(() => read('2-01:00:00'))).toMatchObject({ message: `TestProvider.walltime: must be seconds or 'HH:MM:SS' and more than 0, got "2-01:00:00"`, hint });
    expect(refusal(() => read(-5)).message).toBe('TestProvider.walltime: must be more than 0 seconds, got number -5');
    expect(refusal(() => read(Infinity)).message).toBe('TestProvider.walltime: must be more than 0 seconds, got number Infinity');
    for (const bad of ['00:00:00', '1 hour', '01:60:00', null, {}]) {
      expect(refusal(() => read(bad))).toMatchObject({ path: 'TestProvider.walltime', hint });
    }
  });

  it('takes any object with a wrap method as the launcher', () => {
    const mine = { name: 'mine', wrap: (c: string) => `run ${c}` };
    expect(reader({ launcher: mine }).launcher({ name: 'b', wrap: (c) => c }, 'SrunLauncher')).toBe(mine);
    expect(refusal(() => reader({ launcher: {} }).launcher(mine, 'MpiExecLauncher')).message)
      .toBe('TestProvider.launcher: must be a launcher (an object with a wrap method), got an object');
  });
});
