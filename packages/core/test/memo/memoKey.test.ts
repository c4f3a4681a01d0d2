import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoKey, sha256, type MemoizableTask, type ShippedFunction } from '../../src/index.js';

const byValue: ShippedFunction = { mode: 'value', name: 'add', source: '(a, b) => a + b', hash: sha256('(a, b) => a + b') };
const byReference: ShippedFunction = { mode: 'reference', name: 'add', moduleUrl: 'file:///flows/apps.ts', exportName: 'add', hash: sha256('whole module') };
const task = (fn: ShippedFunction, args: unknown[], extra: Partial<MemoizableTask> = {}): MemoizableTask =>
  ({ id: 1, appName: 'add', fn, args, ignoreForCache: [], kind: 'function', sourceHash: sha256('(a, b) => a + b'), ...extra });

describe('memoKey', () => {
  it('is the same for the same app and arguments, whatever the task id', () => {
    expect(memoKey(task(byValue, [1, 2]))).toBe(memoKey({ ...task(byValue, [1, 2]), id: 99 }));
    expect(memoKey(task(byValue, [1, 2]))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for other arguments, another app identity, another kind or edited source', () => {
    const keys = [
      memoKey(task(byValue, [1, 2])),
      memoKey(task(byValue, [2, 1])),
      memoKey(task(byValue, [1, 2, undefined])),
      memoKey(task(byReference, [1, 2])),
      memoKey(task({ ...byReference, exportName: 'plus' }, [1, 2])),
      memoKey(task({ ...byReference, moduleUrl: 'file:///flows/other.ts' }, [1, 2])),
      memoKey(task(byValue, [1, 2], { kind: 'bash' })),
      memoKey(task(byValue, [1, 2], { sourceHash: sha256('(a, b) => a - b') })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('for by-reference apps depends on the function, not on the rest of its module', () => {
    expect(memoKey(task(byReference, [1, 2]))).toBe(memoKey(task({ ...byReference, hash: sha256('module with a new comment') }, [1, 2])));
  });

  it('keeps ignored positions in place and drops ignored and per-call option keys', () => {
    const ignoring = (args: unknown[], ignoreForCache: (string | number)[]): string => memoKey(task(byValue, args, { ignoreForCache }));
    expect(ignoring([1, 'log-a', 3], [1])).toBe(ignoring([1, 'log-b', 3], [1]));
    expect(ignoring([1, 'x', 3], [1])).not.toBe(ignoring([1, 3], [1]));
    expect(ignoring([1, { seed: 1, verbose: true }], ['verbose'])).toBe(ignoring([1, { seed: 1, verbose: false }], ['verbose']));
    expect(ignoring([1, { seed: 1 }], ['verbose'])).not.toBe(ignoring([1, { seed: 2 }], ['verbose']));
    expect(ignoring([1, { stdout: '/a', walltime: 5, priority: 1 }], [])).toBe(ignoring([1, { stdout: '/b', walltime: 9 }], []));
  });

  it('is the same in other processes (and so in later runs)', () => {
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const here = memoKey(task(byReference, [{ b: [1n, 'x'], a: new Date(5) }]));
    const { args: _args, ...rest } = task(byReference, []);
    const script = `const m = await import(${JSON.stringify(dist)});\n` +
      `console.log(m.memoKey({ ...${JSON.stringify(rest)}, args: [{ a: new Date(5), b: [1n, 'x'] }] }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000 });
    expect(out.trim()).toBe(here);
  });
});
