import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorCodes, File, TaskState, UnhashableArgumentError, app, jsonSerializer, loadConfig, registerMemoHasher,
  type Config, type DataFlowKernel,
} from '../../src/index.js';
import { InProcessExecutor } from '../helpers/InProcessExecutor.js';

let dir: string;
let dfk: DataFlowKernel | undefined;
let executor: InProcessExecutor;

async function start(extra: Partial<Config> = {}): Promise<DataFlowKernel> {
  executor = new InProcessExecutor();
  dfk = await loadConfig({ executors: [executor], serializer: jsonSerializer(), runDir: join(dir, 'runinfo'), ...extra });
  return dfk;
}

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-memo-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Appends a line to `log` each time it really runs, so tests count invocations. */
const square = app(async (x: number, log: string) => {
  const fs = await import('node:fs');
  fs.appendFileSync(log, `${x}\n`);
  return { x, square: x * x };
}, { cache: true, ignoreForCache: [1] });

const invocations = (log: string): string[] => {
  try { return readFileSync(log, 'utf8').split('\n').filter(Boolean); } catch { return []; }
};

describe('memoization (cache: true)', () => {
  it('runs a call once per distinct arguments; repeats are memo_done with equal results', async () => {
    const k = await start();
    const log = join(dir, 'calls.log');
    const first = await square(3, log);
    const again = square(3, log);
    expect(await again).toEqual(first);
    expect(again.state).toBe(TaskState.memo_done);
    expect(await square(4, log)).toEqual({ x: 4, square: 16 });
    expect(invocations(log)).toEqual(['3', '4']);
    expect(k.counts()).toMatchObject({ exec_done: 2, memo_done: 1 });
  });

  it('gives a hit a copy: changing a result does not change later hits', async () => {
    await start();
    const log = join(dir, 'calls.log');
    const first = await square(5, log);
    first.square = -1;
    expect(await square(5, log)).toEqual({ x: 5, square: 25 });
  });

  it('leaves ignoreForCache positions and option keys out of the key', async () => {
    await start();
    const log = join(dir, 'calls.log');
    await square(6, log);
    await square(6, join(dir, 'other.log')); // position 1 ignored: a hit
    expect(invocations(log)).toEqual(['6']);
    expect(invocations(join(dir, 'other.log'))).toEqual([]);

    const scaled = app(async (x: number, o: { factor: number; verbose: boolean; log: string }) => {
      (await import('node:fs')).appendFileSync(o.log, `${x}\n`);
      return x * o.factor;
    }, { cache: true, ignoreForCache: ['verbose', 'log'] });
    expect(await scaled(2, { factor: 3, verbose: true, log })).toBe(6);
    expect(await scaled(2, { factor: 3, verbose: false, log })).toBe(6);
    expect(await scaled(2, { factor: 4, verbose: false, log })).toBe(8);
    expect(invocations(log)).toEqual(['6', '2', '2']);
  });

  it('does not put where output goes (stdout, walltime, priority) in the key, but does put outputs', async () => {
    await start();
    const log = join(dir, 'calls.log');
    const write = app(async (text: string, o: { outputs: File[]; log: string; priority?: number }) => {
      const fs = await import('node:fs');
      fs.appendFileSync(o.log, `${text}\n`);
      fs.writeFileSync(o.outputs[0]!.filepath, text);
      return text.length;
    }, { cache: true });
    const out = new File(join(dir, 'out.txt'));
    expect(await write('hi', { outputs: [out], log, priority: 1 })).toBe(2);
    const hit = write('hi', { outputs: [out], log, priority: 5 });
    expect(await hit).toBe(2);
    expect(hit.state).toBe(TaskState.memo_done);
    await expect(hit.outputs[0]).resolves.toBe(out);
    await write('hi', { outputs: [new File(join(dir, 'other.txt'))], log });
    expect(invocations(log)).toEqual(['hi', 'hi']);
  });

  it('fails a task with an unhashable argument before it runs, with a clear coded error', async () => {
    await start();
    const log = join(dir, 'calls.log');
    const takesAnything = app(async (x: unknown, l: string) => {
      (await import('node:fs')).appendFileSync(l, 'ran\n');
      return typeof x;
    }, { cache: true, name: 'takesAnything' });
    class Handle { constructor(readonly fd: number) {} }
    const error = await takesAnything({ handle: new Handle(3) }, log).catch((e: unknown) => e) as UnhashableArgumentError;
    expect(error).toBeInstanceOf(UnhashableArgumentError);
    expect(error.code).toBe(ErrorCodes.UnhashableArgument);
    expect(error.message).toBe('app takesAnything has cache: true, but args[0].handle is an instance of Handle, which cannot be hashed into a memo key (classes need a memo hasher)');
    expect(invocations(log)).toEqual([]);
    expect(executor.submitted).toHaveLength(0);

    registerMemoHasher(Handle, (h) => h.fd);
    expect(await takesAnything({ handle: new Handle(3) }, log)).toBe('object');
  });

  it('does not memoize failures unless memoizeFailures is set', async () => {
    const flaky = app(async (log: string) => {
      (await import('node:fs')).appendFileSync(log, 'ran\n');
      throw new RangeError('bad input');
    }, { cache: true });
    let k = await start();
    const log = join(dir, 'calls.log');
    await expect(flaky(log)).rejects.toThrow('bad input');
    await expect(flaky(log)).rejects.toThrow('bad input');
    expect(invocations(log)).toHaveLength(2);
    await k.cleanup();

    k = await start({ memoizeFailures: true });
    await expect(flaky(log)).rejects.toThrow('bad input');
    const again = flaky(log);
    await expect(again).rejects.toBeInstanceOf(RangeError);
    expect(again.state).toBe(TaskState.memo_done);
    expect(invocations(log)).toHaveLength(3);
    expect(k.counts().memo_done).toBe(1);
  });

  it('memoizes only the final outcome after retries', async () => {
    await start({ retries: 1 });
    const log = join(dir, 'calls.log');
    const secondTry = app(async (l: string, n: number) => {
      const fs = await import('node:fs');
      fs.appendFileSync(l, 'ran\n');
      if (fs.readFileSync(l, 'utf8').split('\n').filter(Boolean).length === 1) throw new Error('first try');
      return n;
    }, { cache: true });
    expect(await secondTry(log, 7)).toBe(7);
    expect(await secondTry(log, 7)).toBe(7);
    expect(invocations(log)).toHaveLength(2);
  });

  it('leaves apps without cache alone', async () => {
    await start();
    const log = join(dir, 'calls.log');
    const plain = app(async (x: number, l: string) => { (await import('node:fs')).appendFileSync(l, `${x}\n`); return x; });
    await plain(1, log);
    await plain(1, log);
    expect(invocations(log)).toEqual(['1', '1']);
  });
});
