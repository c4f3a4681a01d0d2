/**
 * A workflow of mixed apps — successes, a try that fails and is retried, a task that fails every
 * try, dependency failures two levels deep, bash apps that succeed and fail, a fan-in and a join
 * app — with the exact history every task must have in the monitoring database.
 */
import { join } from 'node:path';
import { app, bashApp, joinApp, type AppFuture } from '@parsl-ts/core';

const double = app((x: number) => x * 2, { name: 'double' });
/** Fails its first try (it leaves a marker file), succeeds the second. */
const flaky = app(async (marker: string) => {
  const fs = await import('node:fs');
  if (!fs.existsSync(marker)) {
    fs.writeFileSync(marker, 'tried');
    throw new Error('first try fails');
  }
  return 'second try';
}, { name: 'flaky', retries: 1 });
const broken = app((why: string) => {
  throw new RangeError(why);
}, { name: 'broken', retries: 1 });
const after = app((value: unknown) => value, { name: 'after' });
const echo = bashApp((word: string) => `echo ${word}`, { name: 'echo' });
const exit3 = bashApp(() => 'exit 3', { name: 'exit3', retries: 0 });
const sum = app((a: number, b: number) => a + b, { name: 'sum' });
const pair = joinApp((x: number) => [double(x), double(x + 1)], { name: 'pair' });

/** One task's expected record. */
export interface ExpectedTask {
  readonly app: string;
  readonly kind: 'function' | 'bash' | 'join';
  /** States in order, as [state, tryId]; `unsched` first. */
  readonly history: readonly (readonly [string, number])[];
  readonly dependencies: readonly number[];
  /** Expected error of each try that ran (null: succeeded), and of the task. */
  readonly tryErrors: readonly (string | null)[];
  readonly error: string | null;
}

/** Run the workflow (a DataFlowKernel must be loaded); returns the expected record of every task by id. */
export async function runMixedWorkflow(workDir: string, options: { running: boolean }): Promise<Map<number, ExpectedTask>> {
  const ran = (tryId: number): [string, number][] => [['launched', tryId], ...(options.running ? [['running', tryId] as [string, number]] : [])];
  const expected = new Map<number, ExpectedTask>();
  const futures: AppFuture<unknown>[] = [];
  const add = (future: AppFuture<unknown>, task: ExpectedTask): AppFuture<unknown> => {
    expected.set(future.tid, task);
    futures.push(future);
    return future;
  };
  const ok = add(double(21), { app: 'double', kind: 'function', history: [['unsched', 0], ...ran(0), ['exec_done', 0]], dependencies: [], tryErrors: [null], error: null });
  add(flaky(join(workDir, 'flaky.marker')), {
    app: 'flaky', kind: 'function', dependencies: [], tryErrors: ['Error: first try fails', null], error: null,
    history: [['unsched', 0], ...ran(0), ['failed', 0], ['pending', 1], ...ran(1), ['exec_done', 1]],
  });
  const bad = add(broken('always'), {
    app: 'broken', kind: 'function', dependencies: [], tryErrors: ['RangeError: always', 'RangeError: always'], error: 'RangeError: always',
    history: [['unsched', 0], ...ran(0), ['failed', 0], ['pending', 1], ...ran(1), ['failed', 1]],
  });
  const dep1 = add(after(bad), {
    app: 'after', kind: 'function', dependencies: [bad.tid], tryErrors: [], error: 'DependencyError',
    history: [['unsched', 0], ['pending', 0], ['dep_fail', 0]],
  });
  add(after(dep1), {
    app: 'after', kind: 'function', dependencies: [dep1.tid], tryErrors: [], error: 'DependencyError',
    history: [['unsched', 0], ['pending', 0], ['dep_fail', 0]],
  });
  const said = add(echo('hello', { stdout: join(workDir, 'echo.out') }), {
    app: 'echo', kind: 'bash', dependencies: [], tryErrors: [null], error: null, history: [['unsched', 0], ...ran(0), ['exec_done', 0]],
  });
  add(exit3(), {
    app: 'exit3', kind: 'bash', dependencies: [], tryErrors: ['BashExitFailure'], error: 'BashExitFailure',
    history: [['unsched', 0], ...ran(0), ['failed', 0]],
  });
  add(sum(ok as AppFuture<number>, said as AppFuture<number>), {
    app: 'sum', kind: 'function', dependencies: [ok.tid, said.tid], tryErrors: [null], error: null,
    history: [['unsched', 0], ['pending', 0], ...ran(0), ['exec_done', 0]],
  });
  const joined = pair(5);
  add(joined as AppFuture<unknown>, {
    app: 'pair', kind: 'join', dependencies: [], tryErrors: [null], error: null,
    history: [['unsched', 0], ['running', 0], ['joining', 0], ['exec_done', 0]],
  });
  await Promise.allSettled(futures);
  // The join app's inner tasks got the next ids when its function ran.
  for (const tid of [joined.tid + 1, joined.tid + 2]) {
    expected.set(tid, { app: 'double', kind: 'function', history: [['unsched', 0], ...ran(0), ['exec_done', 0]], dependencies: [], tryErrors: [null], error: null });
  }
  return expected;
}
