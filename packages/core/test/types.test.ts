import { describe, expectTypeOf, it } from 'vitest';
import { app, joinApp, type AppFuture } from '../src/index.js';

describe('app types', () => {
  it('accept futures nested in arrays and objects, and infer join results', () => {
    const double = app((x: number) => x * 2);
    const sum = app((xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const pick = app((o: { a: number; b: { c: string } }) => o.b.c);
    type SumArgs = Parameters<typeof sum>;
    expectTypeOf<[AppFuture<number>[]]>().toMatchTypeOf<SumArgs>();
    expectTypeOf<[{ a: AppFuture<number>; b: { c: Promise<string> } }]>().toMatchTypeOf<Parameters<typeof pick>>();
    expectTypeOf<[{ a: string }]>().not.toMatchTypeOf<Parameters<typeof pick>>();
    const one = joinApp((x: number) => double(x));
    const many = joinApp((n: number) => [double(n), double(n + 1)]);
    expectTypeOf(one).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(many).returns.resolves.toEqualTypeOf<number[]>();
  });
});
