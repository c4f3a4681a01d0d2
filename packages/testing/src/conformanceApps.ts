/**
 * The apps the executor conformance suite submits. Every function here is self-contained (it
 * uses only its arguments and the globals of a fresh worker), so each ships **by value** and runs
 * on any executor. Node modules are reached with `await import(...)` inside the body.
 *
 * @internal
 */
import { app, bashApp, joinApp, type InvocationOptions } from '@parsl-ts/core';

/** Returns its argument. */
export const identity = app(<T>(value: T): T => value, { name: 'identity' });

/** Doubles a number. */
export const double = app((x: number): number => x * 2, { name: 'double' });

/** Squares a number. */
export const square = app((x: number): number => x * x, { name: 'square' });

/** Sums a list of numbers. */
export const sum = app((values: number[]): number => values.reduce((total, v) => total + v, 0), { name: 'sum' });

/** Doubles a number after a short asynchronous pause. */
export const doubleLater = app(async (x: number): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return x * 2;
}, { name: 'doubleLater' });

/** Combines values from nested arrays and objects. */
export const combine = app((input: { a: number; list: number[]; nested: { b: number; deeper: { c: number }[] } }): number =>
  input.a * 1000 + input.list.reduce((t, v) => t + v, 0) * 100 + input.nested.b * 10 + input.nested.deeper[0]!.c, { name: 'combine' });

/** Returns a value of every common shape. */
export const shapes = app(() => ({
  text: 'héllo', int: 42, float: 1.5, negative: -7, big: 2n ** 70n, yes: true, nothing: null,
  list: [1, 'two', [3]], date: new Date(86_400_000), map: new Map([['k', 1]]), set: new Set([1, 2]),
}), { name: 'shapes' });

/** Throws a RangeError with the given message. */
export const throwRange = app((message: string): never => {
  throw new RangeError(message);
}, { name: 'conformanceThrows' });

/** Throws an Error carrying a custom `code` and a plain-data field. */
export const throwCoded = app((message: string): never => {
  throw Object.assign(new Error(message), { code: 'E_CONFORMANCE', detail: { attempts: 3 } });
}, { name: 'conformanceThrowsCoded' });

/**
 * Fails until it has been called `failures` times, counting calls in the file at `path` (an app
 * cannot keep a counter in memory: every try may run on another worker).
 */
export async function flakyBody(path: string, failures: number): Promise<number> {
  const fs = await import('node:fs');
  const calls = fs.existsSync(path) ? Number(fs.readFileSync(path, 'utf8')) : 0;
  fs.writeFileSync(path, String(calls + 1));
  if (calls < failures) throw new Error(`failure ${calls + 1} of ${failures}`);
  return calls + 1;
}

/** Busy-waits (synchronously) for `seconds`; returns the loop count. */
export function busyBody(seconds: number): number {
  const end = Date.now() + seconds * 1000;
  let spins = 0;
  while (Date.now() < end) spins++;
  return spins;
}

/** Resolves after `ms` milliseconds (a timer keeps the worker busy without using the CPU). */
export const sleepMs = app((ms: number): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(ms), ms)), { name: 'sleepMs' });

/** Ends the worker running it (process.exit: the thread in a thread pool, the process elsewhere). */
export const crashWorker = app((code: number): never => process.exit(code), { name: 'crashWorker' });

/** SHA-256 of the bytes, and the bytes themselves (a round trip through the executor). */
export const digestBytes = app(async (data: Uint8Array): Promise<{ length: number; sha256: string; data: Uint8Array }> => {
  const crypto = await import('node:crypto');
  return { length: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), data };
}, { name: 'digestBytes' });

/** Writes `text` to the first output file. */
export const writeText = app(async (text: string, options: { outputs: readonly unknown[] }): Promise<number> => {
  const fs = await import('node:fs');
  fs.writeFileSync(String(options.outputs[0]), text);
  return text.length;
}, { name: 'writeText' });

/** Reads the first input file. */
export const readText = app(async (options: { inputs: readonly unknown[] }): Promise<string> => {
  const fs = await import('node:fs');
  return fs.readFileSync(String(options.inputs[0]), 'utf8');
}, { name: 'readText' });

/** The id of the thread the task runs on, and the process id (where a task ran). */
export const whereAmI = app(async (): Promise<{ pid: number; threadId: number }> => {
  const threads = await import('node:worker_threads');
  return { pid: process.pid, threadId: threads.threadId };
}, { name: 'whereAmI' });

/** Exits with the given code. */
export const exitWith = bashApp((code: number): string => `exit ${code}`, { name: 'exitWith' });

/** Prints `text` on stdout and `err-<text>` on stderr. */
export const echoBoth = bashApp((text: string, _options?: InvocationOptions): string => `echo ${text}; echo err-${text} >&2`, { name: 'echoBoth' });

/** Writes `text` to the first output file. */
export const bashWrite = bashApp((text: string, options: { outputs: readonly unknown[] }): string => `printf '%s' '${text}' > '${String(options.outputs[0])}'`, { name: 'bashWrite' });

/**
 * Sleeps `seconds` in a process whose command line starts with `marker` (so `pgrep -f marker`
 * finds both the shell and the sleep), with a walltime of 1 s.
 */
export const sleepMarked = bashApp((marker: string, seconds: number): string => `(exec -a ${marker} sleep ${seconds}); echo finished`, { name: 'sleepMarked', walltime: 1 });

/** A join app returning one future. */
export const doubleViaJoin = joinApp((x: number) => double(x), { name: 'doubleViaJoin' });

/** A join app returning a list of futures. */
export const squaresViaJoin = joinApp((n: number) => Array.from({ length: n }, (_, i) => square(i)), { name: 'squaresViaJoin' });
