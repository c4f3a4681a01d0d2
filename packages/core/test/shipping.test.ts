import { describe, expect, it } from 'vitest';
import { app, bashApp, ErrorCodes, freeVariables, FunctionShippingError, joinApp } from '../src/index.js';
import { resolveShippedFunction } from '../src/worker.js';

describe('freeVariables', () => {
  const cases: [string, string, string[]][] = [
    ['self-contained arrow', '(x) => x * 2', []],
    ['globals are not captures', '(x) => Math.max(x, JSON.parse("1"), Number.NaN)', []],
    ['captured local', '(x) => x * factor', ['factor']],
    ['locals and params shadow', 'function f(a) { const b = 1; let c = a + b; return c + d; }', ['d']],
    ['nested functions', 'async (xs) => xs.map((x) => x + k).filter(y => y > limit)', ['k', 'limit']],
    ['object method form', 'compute(x) { return x + offset; }', ['offset']],
    ['esbuild __name helper allowed', '(x) => { const g = __name(() => x, "g"); return g(); }', []],
    ['dynamic import is fine', 'async () => (await import("node:fs")).existsSync("/")', []],
    ['class expression', 'class A { m() { return helper(); } }', ['helper']],
  ];
  it.each(cases)('%s', (_, source, expected) => {
    expect(freeVariables(source)).toEqual(expected);
  });
});

describe('defining apps', () => {
  it('rejects a by-value app that captures a local, naming it, with the fix in the hint', () => {
    const factor = 3;
    let error: unknown;
    try {
      app((x: number) => x * factor, { ship: 'value', name: 'scale' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FunctionShippingError);
    const e = error as FunctionShippingError;
    expect(e.code).toBe(ErrorCodes.CapturedVariable);
    expect(e.variables).toEqual(['factor']);
    expect(e.message).toContain('`factor`');
    expect(e.hint).toMatch(/pass .* as arguments/);
    expect(e.hint).toMatch(/export/);
  });

  it('accepts self-contained functions and ships them by value', async () => {
    const double = app((x: number) => x * 2);
    const shipped = await double.definition.shipped(double);
    expect(shipped.mode).toBe('value');
    const fn = await resolveShippedFunction(shipped);
    expect(fn(21)).toBe(42);
  });

  it('rejects non-functions and native functions with coded errors', () => {
    expect(() => app(42 as never)).toThrow(expect.objectContaining({ code: ErrorCodes.BadArguments }));
    expect(() => app(Math.max)).toThrow(expect.objectContaining({ code: ErrorCodes.FunctionShipping }));
  });

  it('an auto app that captures and is not exported fails at submission with the captured-variable error', async () => {
    const offset = 1;
    const shift = app((x: number) => x + offset, { module: import.meta.url });
    await expect(shift.definition.shipped(shift)).rejects.toMatchObject({ code: ErrorCodes.CapturedVariable, variables: ['offset'] });
  });

  it('join apps may capture (they run in the submitting process) and bash apps are checked too', () => {
    const n = 2;
    expect(() => joinApp(() => [Promise.resolve(n)])).not.toThrow();
    expect(() => bashApp(() => `echo ${n}`, { ship: 'value' })).toThrow(expect.objectContaining({ code: ErrorCodes.CapturedVariable }));
  });

  it('re-creates object-method sources on the worker', async () => {
    const source = 'triple(x) { return x * 3; }';
    const fn = await resolveShippedFunction({ mode: 'value', name: 'triple', source, hash: 'h-triple' });
    expect(fn(2)).toBe(6);
  });
});
