import { describe, expect, it } from 'vitest';
import {
  BashExitFailure, DependencyError, ErrorCodes, ParslError, errorFromPlain, errorToPlain, registerErrorClass,
} from '../src/index.js';

describe('ParslError', () => {
  it('carries code, hint and cause and describes itself', () => {
    const cause = new Error('root');
    const error = new ParslError('PARSL_X', 'went wrong', { hint: 'do this', cause });
    expect(error.code).toBe('PARSL_X');
    expect(error.hint).toBe('do this');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ParslError');
    expect(error.describe()).toBe('[PARSL_X] went wrong\n  hint: do this');
  });

  it('is recognized by brand, also for objects from another module copy', () => {
    const foreign = Object.assign(Object.create(Error.prototype), { name: 'ParslError', message: 'x' });
    expect(foreign instanceof ParslError).toBe(false);
    Object.defineProperty(foreign, Symbol.for('parsl-ts.error'), { value: true });
    expect(foreign instanceof ParslError).toBe(true);
    expect(new BashExitFailure('a', 2) instanceof ParslError).toBe(true);
    expect(new BashExitFailure('a', 2) instanceof DependencyError).toBe(false);
  });

  it('has unique codes', () => {
    const codes = Object.values(ErrorCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^PARSL_[A-Z_]+$/);
  });
});

describe('errorToPlain / errorFromPlain', () => {
  const cases: [string, Error][] = [
    ['built-in TypeError', new TypeError('bad type')],
    ['RangeError with cause', new RangeError('out', { cause: new Error('inner') })],
    ['BashExitFailure', new BashExitFailure('compress', 3)],
    ['DependencyError', new DependencyError(5, [3], 1, new Error('root cause'))],
  ];
  it.each(cases)('round-trips %s with class, message, stack and fields', (_, original) => {
    const rebuilt = errorFromPlain(JSON.parse(JSON.stringify(errorToPlain(original))));
    expect(rebuilt).toBeInstanceOf(original.constructor);
    expect(rebuilt.name).toBe(original.name);
    expect(rebuilt.message).toBe(original.message);
    expect(rebuilt.stack).toBe(original.stack);
    if (original.cause instanceof Error) expect((rebuilt.cause as Error).message).toBe(original.cause.message);
    if (original instanceof BashExitFailure) {
      expect((rebuilt as BashExitFailure).exitCode).toBe(3);
      expect((rebuilt as BashExitFailure).code).toBe(ErrorCodes.BashExitFailure);
      expect(rebuilt instanceof ParslError).toBe(true);
    }
    if (original instanceof DependencyError) {
      expect((rebuilt as DependencyError).rootTaskId).toBe(1);
      expect(((rebuilt as DependencyError).rootCause as Error).message).toBe('root cause');
    }
  });

  it('keeps the name of unknown error classes and rebuilds registered ones', () => {
    class QuotaError extends Error { override name = 'QuotaError'; limit = 7; }
    const plain = errorToPlain(new QuotaError('over'));
    const unknown = errorFromPlain(plain);
    expect(unknown.name).toBe('QuotaError');
    expect((unknown as unknown as { limit: number }).limit).toBe(7);
    expect(unknown).toBeInstanceOf(Error);
    registerErrorClass(QuotaError);
    expect(errorFromPlain(plain)).toBeInstanceOf(QuotaError);
  });

  it('wraps thrown non-errors', () => {
    const plain = errorToPlain('just a string');
    expect(plain.name).toBe('NonErrorThrown');
    expect(plain.message).toContain('"just a string"');
  });

  it('stops on cyclic causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(() => errorToPlain(a)).not.toThrow();
  });
});

describe('errors with awkward fields', () => {
  it('sets remoteStack on rebuilt parsl errors', () => {
    const original = new BashExitFailure('x', 1);
    const rebuilt = errorFromPlain(errorToPlain(original)) as BashExitFailure;
    expect(rebuilt.remoteStack).toBe(original.stack);
  });

  it('carries cycles, sockets-like objects and functions without throwing', () => {
    class Socket { toString() { return '[Socket 127.0.0.1:80]'; } }
    const request: Record<string, unknown> = { url: 'http://x', socket: new Socket(), onData: () => 0 };
    request.self = request;
    const error = Object.assign(new Error('request failed'), { request, status: 503 });
    const plain = JSON.parse(JSON.stringify(errorToPlain(error)));
    const rebuilt = errorFromPlain(plain) as Error & { request: Record<string, unknown>; status: number };
    expect(rebuilt.status).toBe(503);
    expect(rebuilt.request.self).toBe('[circular]');
    expect(rebuilt.request.socket).toBe('[Socket 127.0.0.1:80]');
    expect('onData' in rebuilt.request).toBe(false);
  });

  it('does not mistake error-shaped data for an error, and keeps nested and aggregate errors', () => {
    const body = { name: 'NotFound', message: 'no such item', code: 'E404' };
    const error = Object.assign(new Error('http'), { body, inner: new TypeError('t') });
    const rebuilt = errorFromPlain(JSON.parse(JSON.stringify(errorToPlain(error)))) as Error & { body: unknown; inner: unknown };
    expect(rebuilt.body).toEqual(body);
    expect(rebuilt.body).not.toBeInstanceOf(Error);
    expect(rebuilt.inner).toBeInstanceOf(TypeError);
    const aggregate = errorFromPlain(JSON.parse(JSON.stringify(errorToPlain(new AggregateError([new RangeError('r')], 'many'))))) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors[0]).toBeInstanceOf(RangeError);
  });
});
