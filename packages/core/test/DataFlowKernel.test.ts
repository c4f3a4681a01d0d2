import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTO_LOGNAME, AppFuture, DependencyError, ErrorCodes, File, TaskCancelled, app, bashApp, joinApp, jsonSerializer, loadConfig,
  type DataFlowKernel, type TaskEvent, type Config,
} from '../src/index.js';
import { InProcessExecutor, ReceiverExecutor } from './helpers/InProcessExecutor.js';

let dir: string;
let dfk: DataFlowKernel | undefined;

async function start(extra: Partial<Config> = {}, executors = [new InProcessExecutor()]): Promise<DataFlowKernel> {
  dfk = await loadConfig({ executors, serializer: jsonSerializer(), runDir: join(dir, 'runinfo'), ...extra });
  return dfk;
}

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-dfk-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const add = app((a: number, b: number) => a + b);
const sum = app((xs: number[]) => xs.reduce((s, x) => s + x, 0));
const pick = app((o: { a: number; nested: { b: number } }) => o.a * 10 + o.nested.b);
const fail = app((message: string) => { throw new RangeError(message); });

describe('DataFlowKernel', () => {
  it('uses an executor\'s submitTask fast path; retries work through it and outcomes of old tries are ignored', async () => {
    const executor = new ReceiverExecutor();
    executor.duplicateOutcomes = true;
    const k = await start({ retries: 1 }, [executor]);
    const marker = join(dir, 'tried-once');
    const flaky = app(async (path: string) => {
      const fs = await import('node:fs');
      if (fs.existsSync(path)) return 'second try';
      fs.writeFileSync(path, '');
      throw new Error('first try fails');
    }, { ship: 'value' });
    expect(await add(2, 3)).toBe(5);
    // The failed first try is followed by a late "stale success" for try 0: the retry's result wins.
    expect(await flaky(marker)).toBe('second try');
    await expect(fail('boom')).rejects.toThrow('boom');
    expect(executor.submitTaskCalls).toBe(5); // add, flaky ×2, fail ×2 (retries: 1)
    expect(k.counts()).toMatchObject({ exec_done: 2, failed: 1 });
  });

  it('a failed future nobody awaits does not make an unhandled rejection', async () => {
    await start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const f = fail('nobody awaits me');
      await dfk!.waitForCurrentTasks({ timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 20));
      expect(f.done()).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('creates a numbered run directory with a log', async () => {
    const k = await start();
    expect(k.runDir).toBe(join(dir, 'runinfo', '000'));
    await k.cleanup();
    expect(readFileSync(join(k.runDir, 'parsl.log'), 'utf8')).toContain('DataFlowKernel started');
    const k2 = await start();
    expect(k2.runDir).toBe(join(dir, 'runinfo', '001'));
  });

  it('returns AppFutures that are real Promises with task ids', async () => {
    await start();
    const f = add(1, 2);
    expect(f).toBeInstanceOf(Promise);
    expect(f).toBeInstanceOf(AppFuture);
    expect(f.tid).toBe(0);
    expect(await f).toBe(3);
    expect(f.state).toBe('exec_done');
    expect(f.done()).toBe(true);
  });

  it('waits for futures in arguments, also nested in arrays and objects', async () => {
    await start();
    const a = add(1, 1);
    expect(await sum([a, add(a, 1), 4])).toBe(9);
    expect(await pick({ a: add(0, 1), nested: { b: add(1, 1) } })).toBe(12);
    expect(await add(Promise.resolve(5), 1)).toBe(6);
  });

  it('fails dependants with a DependencyError naming the root task, through two levels', async () => {
    await start();
    const root = fail('boom');
    const mid = add(root, 1);
    const leaf = add(mid, 1);
    await expect(root).rejects.toThrow(RangeError);
    const error = await leaf.catch((e: unknown) => e) as DependencyError;
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.code).toBe(ErrorCodes.DependencyFailed);
    expect(error.rootTaskId).toBe(root.tid);
    expect(error.failedDependencies).toEqual([mid.tid]);
    expect((error.rootCause as Error).message).toBe('boom');
    expect(error.message).toContain(`task ${root.tid} raised RangeError: boom`);
    expect(leaf.state).toBe('dep_fail');
  });

  it('retries while the failure cost stays within retries, with a retryHandler', async () => {
    const counter = join(dir, 'tries');
    const flaky = app(async (path: string, failures: number) => {
      const fs = await import('node:fs');
      const n = fs.existsSync(path) ? Number(fs.readFileSync(path, 'utf8')) : 0;
      fs.writeFileSync(path, String(n + 1));
      if (n < failures) throw new Error(`failure ${n + 1}`);
      return n + 1;
    });
    await start({ retries: 2 });
    expect(await flaky(counter, 2)).toBe(3);
    rmSync(counter);
    await dfk!.cleanup();
    await start({ retries: 1 });
    await expect(flaky(counter, 2)).rejects.toThrow('failure 2');
    rmSync(counter);
    await dfk!.cleanup();
    const seen: number[] = [];
    await start({ retries: 1, retryHandler: (_e, ctx) => { seen.push(ctx.tryNumber); return 0.5; } });
    expect(await flaky(counter, 2)).toBe(3);
    expect(seen).toEqual([0, 1]);
  });

  it('reports state transitions in order', async () => {
    const k = await start();
    const events: TaskEvent[] = [];
    k.onTaskEvent((e) => events.push(e));
    const a = add(1, 1);
    await add(a, 1);
    const second = events.filter((e) => e.taskId === a.tid + 1).map((e) => e.to);
    expect(second).toEqual(['pending', 'launched', 'running', 'exec_done']);
    expect(k.counts()).toMatchObject({ exec_done: 2, submitted: 2, pending: 0 });
  });

  it('runs join apps: one future and a list of futures', async () => {
    await start();
    const one = joinApp((x: number) => add(x, 1));
    const many = joinApp((n: number) => Array.from({ length: n }, (_, i) => add(i, i)));
    expect(await one(1)).toBe(2);
    expect(await many(4)).toEqual([0, 2, 4, 6]);
    const bad = joinApp(() => 42 as never);
    await expect(bad()).rejects.toMatchObject({ code: ErrorCodes.JoinBadReturn });
    const failing = joinApp(() => [add(1, 1), fail('inner')]);
    await expect(failing()).rejects.toBeInstanceOf(DependencyError);
  });

  it('creates DataFutures for outputs and resolves them with the File', async () => {
    await start();
    const target = join(dir, 'out.txt');
    const write = bashApp((text: string, o: { outputs: File[] }) => `echo ${text} > ${o.outputs[0]}`);
    const f = write('hello', { outputs: [new File(target)] });
    expect(f.outputs).toHaveLength(1);
    const file = await f.outputs[0]!;
    expect(file.path).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('hello\n');
  });

  it('names automatic stdout files under the run directory', async () => {
    const k = await start();
    const echo = bashApp((t: string) => `echo ${t}`);
    const f = echo('auto', { stdout: AUTO_LOGNAME });
    await f;
    expect(f.stdout).toMatch(new RegExp(`^${k.runDir}/task_logs/0000/anonymous-${f.tid}\\.stdout$`));
    expect(readFileSync(f.stdout!, 'utf8')).toBe('auto\n');
  });

  it('rejects unknown executor labels and calls after cleanup with coded errors', async () => {
    const k = await start();
    const elsewhere = app((x: number) => x, { executors: ['gpu'] });
    await expect(elsewhere(1)).rejects.toMatchObject({ code: ErrorCodes.UnknownExecutor });
    await k.cleanup();
    expect(() => add(1, 2)).toThrow(expect.objectContaining({ code: ErrorCodes.DataFlowKernelClosed }));
    await expect(k.submit(add.definition, add as never, [1, 2])).rejects.toMatchObject({ code: ErrorCodes.DataFlowKernelClosed });
  });

  it('chooses executors by label', async () => {
    const a = new InProcessExecutor('a');
    const b = new InProcessExecutor('b');
    await start({}, [a, b]);
    const onB = app((x: number) => x, { executors: ['b'] });
    await Promise.all([onB(1), onB(2)]);
    expect(b.submitted.map((t) => t.args[0])).toEqual([1, 2]);
    expect(a.submitted).toHaveLength(0);
  });

  it('cancels tasks that wait for dependencies at cleanup, in bounded time', async () => {
    const k = await start();
    const never = new Promise<number>(() => undefined);
    const waiting = add(never, 1);
    expect(waiting.state).toBe('pending');
    await k.cleanup();
    await expect(waiting).rejects.toBeInstanceOf(TaskCancelled);
  });

  it('waitForCurrentTasks resolves when all tasks are final, and is bounded', async () => {
    const k = await start();
    const fs = Array.from({ length: 50 }, (_, i) => add(i, 1));
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
    expect(fs.every((f) => f.done())).toBe(true);
    add(new Promise<number>(() => undefined), 1);
    await expect(k.waitForCurrentTasks({ timeoutMs: 50 })).rejects.toMatchObject({ code: ErrorCodes.Timeout });
  });

  it('forgets finished tasks (memory stays bounded)', async () => {
    const k = await start();
    await Promise.all(Array.from({ length: 200 }, (_, i) => add(i, 1)));
    expect(k.pendingTasks).toBe(0);
  });

  it('rejects invalid configs listing every problem', async () => {
    await expect(loadConfig({ retries: -1, executors: [] as never, runDir: join(dir, 'r') })).rejects.toMatchObject({
      code: ErrorCodes.InvalidConfig, message: expect.stringMatching(/2 problems[\s\S]*retries[\s\S]*executors/),
    });
  });

  it('cleans up bash commands it started when a walltime is hit', async () => {
    await start();
    const marker = join(dir, 'never');
    const slow = bashApp((m: string) => `sleep 20 && touch ${m}`, { walltime: 0.5 });
    const started = Date.now();
    await expect(slow(marker)).rejects.toMatchObject({ code: ErrorCodes.AppTimeout });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('plugin notices', () => {
  it('logs once, in the run log, that an experimental plugin was loaded', async () => {
    const { registerPlugin, definePlugin, CORE_VERSION } = await import('../src/index.js');
    registerPlugin(definePlugin({ name: '@acme/parsl-ts-executor-exp', version: '0.1.0', kind: 'executor', maturity: 'experimental',
      coreRange: `>=${CORE_VERSION}`, factories: { X: () => ({}) }, defaultFactory: 'X' }));
    const k = await start();
    await k.cleanup();
    const log = readFileSync(join(k.runDir, 'parsl.log'), 'utf8');
    expect(log.match(/@acme\/parsl-ts-executor-exp@0\.1\.0 is experimental/g)).toHaveLength(1);
  });
});
