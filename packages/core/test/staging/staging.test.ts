import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DependencyError, ErrorCodes, File, StagingError, TaskState, app, jsonSerializer, loadConfig,
  type Config, type DataFlowKernel, type ExecutorTask, type TaskEvent,
} from '../../src/index.js';
import { CopyStaging } from '../helpers/CopyStaging.js';
import { InProcessExecutor } from '../helpers/InProcessExecutor.js';

let dir: string;
let src: string;
let dfk: DataFlowKernel | undefined;

async function start(staging: Config['staging'], executor = new InProcessExecutor()): Promise<DataFlowKernel> {
  dfk = await loadConfig({ executors: [executor], serializer: jsonSerializer(), runDir: join(dir, 'runinfo'), ...(staging ? { staging } : {}) });
  return dfk;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-staging-'));
  src = join(dir, 'remote');
  mkdirSync(src);
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Reads its first input on the worker; returns the bytes and where the file was. */
const readInput = app(async (o: { inputs: File[] }) => {
  const fs = await import('node:fs');
  const file = o.inputs[0]!;
  return { text: fs.readFileSync(file.filepath, 'utf8'), localPath: file.localPath };
}, { ship: 'value' });

/** Writes `text` to its first output. */
const writeOutput = app(async (text: string, o: { outputs: File[] }) => {
  const fs = await import('node:fs');
  fs.writeFileSync(o.outputs[0]!.filepath, text);
  return o.outputs[0]!.filepath;
}, { ship: 'value' });

/** Upper-cases its first input into its first output. */
const upper = app(async (o: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  fs.writeFileSync(o.outputs[0]!.filepath, fs.readFileSync(o.inputs[0]!.filepath, 'utf8').toUpperCase());
}, { ship: 'value' });

const doesNothing = app((o: { outputs: File[] }) => o.outputs.length, { ship: 'value' });

describe('separate-task staging', () => {
  it('stages an input in as a task of its own, before the app, into the run\'s staging folder', async () => {
    writeFileSync(join(src, 'in.txt'), 'hello from afar');
    const provider = new CopyStaging('separate-task');
    const executor = new InProcessExecutor();
    const k = await start([provider], executor);
    const events: TaskEvent[] = [];
    k.onTaskEvent((e) => events.push(e));
    const f = readInput({ inputs: [new File(`copy://${join(src, 'in.txt')}`)] });
    const result = await f;
    expect(result.text).toBe('hello from afar');
    expect(result.localPath).toBe(join(k.runDir, 'staging', String(f.tid), 'in.txt'));
    // The stage-in ran as its own task (a join-like task on the app's executor), before the app.
    expect(k.counts()).toMatchObject({ submitted: 2, exec_done: 2 });
    const stageTid = events.find((e) => e.appName === 'stage_in_copy-separate-task')!.taskId;
    const stageDone = events.findIndex((e) => e.taskId === stageTid && e.to === TaskState.exec_done);
    const appLaunched = events.findIndex((e) => e.taskId === f.tid && e.to === TaskState.launched);
    expect(stageDone).toBeGreaterThanOrEqual(0);
    expect(appLaunched).toBeGreaterThan(stageDone);
    expect(provider.contexts[0]).toMatchObject({ taskId: f.tid, executorLabel: 'inproc', workingDir: join(k.runDir, 'staging', String(f.tid)) });
    // The executor is told the staged input, with its local path.
    const sent = executor.submitted.find((t) => t.id === f.tid)!;
    expect(sent.inputs.map((i) => [i.url, i.localPath])).toEqual([[`copy://${join(src, 'in.txt')}`, result.localPath]]);
  });

  it('stages an output out after the app; the output\'s DataFuture settles when it is delivered', async () => {
    const provider = new CopyStaging('separate-task');
    const k = await start([provider]);
    const remote = join(src, 'out', 'result.txt');
    const mine = new File(`copy://${remote}`);
    const f = writeOutput('made here', { outputs: [mine] });
    const written = await f;
    expect(written).toBe(join(k.runDir, 'staging', String(f.tid), 'result.txt'));
    const delivered = await f.outputs[0]!;
    expect(readFileSync(remote, 'utf8')).toBe('made here');
    expect(delivered.url).toBe(mine.url);
    expect(delivered.localPath).toBe(written);
    // The caller's File is left as it was.
    expect(mine.localPath).toBeUndefined();
    expect(k.counts()).toMatchObject({ submitted: 2, exec_done: 2 });
  });

  it('chains tasks through a staged file: the consumer\'s stage-in waits for the producer\'s stage-out', async () => {
    writeFileSync(join(src, 'a.txt'), 'abc');
    await start([new CopyStaging('separate-task')]);
    const made = upper({ inputs: [new File(`copy://${join(src, 'a.txt')}`)], outputs: [new File(`copy://${join(src, 'b.txt')}`)] });
    const read = readInput({ inputs: [made.outputs[0]!] });
    expect((await read).text).toBe('ABC');
    expect(readFileSync(join(src, 'b.txt'), 'utf8')).toBe('ABC');
  });

  it('a failed stage-in is a StagingError naming the URL; the app and its dependants fail with DependencyError', async () => {
    const k = await start([new CopyStaging('separate-task')]);
    const missing = `copy://${join(src, 'missing.txt')}`;
    const f = upper({ inputs: [new File(missing)], outputs: [new File(join(dir, 'never.txt'))] });
    const after = readInput({ inputs: [f.outputs[0]!] });
    const error = await f.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    const root = (error as DependencyError).rootCause;
    expect(root).toBeInstanceOf(StagingError);
    expect((root as StagingError).code).toBe(ErrorCodes.Staging);
    expect((root as StagingError).message).toContain(missing);
    expect((root as StagingError).url).toBe(missing);
    const downstream = await after.then(() => undefined, (e: unknown) => e);
    expect(downstream).toBeInstanceOf(DependencyError);
    expect((downstream as DependencyError).rootCause).toBe(root);
    expect(k.counts()).toMatchObject({ failed: 1, dep_fail: 2 });
  });

  it('an output the app did not write fails its stage-out with a StagingError; the app itself succeeded', async () => {
    await start([new CopyStaging('separate-task')]);
    const url = `copy://${join(src, 'out.txt')}`;
    const f = doesNothing({ outputs: [new File(url)] });
    expect(await f).toBe(1);
    const error = await f.outputs[0]!.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).message).toContain(url);
    expect((error as StagingError).message).toContain('did not write');
  });

  it('a result served from the memoizer stages nothing out again (its outputs were delivered when it was computed)', async () => {
    const k = await start([new CopyStaging('separate-task')]);
    const cached = app(async (text: string, o: { outputs: File[] }) => {
      (await import('node:fs')).writeFileSync(o.outputs[0]!.filepath, text);
      return text.length;
    }, { ship: 'value', cache: true });
    const url = `copy://${join(src, 'memo.txt')}`;
    const first = cached('remember me', { outputs: [new File(url)] });
    await first.outputs[0];
    rmSync(join(src, 'memo.txt'));
    const second = cached('remember me', { outputs: [new File(url)] });
    expect(await second).toBe(11);
    await second.outputs[0];
    await k.waitForCurrentTasks({ timeoutMs: 5000 });
    expect(second.state).toBe(TaskState.memo_done);
    expect(k.counts()).toMatchObject({ failed: 0, memo_done: 1 });
    expect(existsSync(join(src, 'memo.txt'))).toBe(false);
  });

  it('cleanup() stops a stage-in that waits, and nothing hangs', async () => {
    const k = await start([new CopyStaging('separate-task', { hang: true })]);
    const f = readInput({ inputs: [new File(`copy://${join(src, 'x')}`)] });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await k.cleanup();
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(f).rejects.toThrow();
    expect(f.done()).toBe(true);
  });
});

describe('in-task staging', () => {
  it('carries the steps with the ExecutorTask; the worker stages in and out in a working directory it removes', async () => {
    writeFileSync(join(src, 'in.txt'), 'lower case');
    const executor = new InProcessExecutor();
    const k = await start([new CopyStaging('in-task')], executor);
    const seen: string[] = [];
    const work = app(async (o: { inputs: File[]; outputs: File[] }) => {
      const fs = await import('node:fs');
      fs.writeFileSync(o.outputs[0]!.filepath, fs.readFileSync(o.inputs[0]!.filepath, 'utf8').toUpperCase());
      return [o.inputs[0]!.filepath, o.outputs[0]!.filepath];
    }, { ship: 'value' });
    const f = work({ inputs: [new File(`copy://${join(src, 'in.txt')}`)], outputs: [new File(`copy://${join(src, 'out.txt')}`)] });
    const [inPath, outPath] = await f;
    seen.push(inPath!, outPath!);
    await f.outputs[0];
    expect(readFileSync(join(src, 'out.txt'), 'utf8')).toBe('LOWER CASE');
    // The app saw local paths in one working directory of the task's own, removed afterwards.
    expect(inPath).toMatch(new RegExp(`parsl-ts-task-${f.tid}-[^/]+/in\\.txt$`));
    expect(outPath).toBe(join(inPath!, '..', 'out.txt'));
    expect(existsSync(join(inPath!, '..'))).toBe(false);
    // No staging task: the steps travelled with the task.
    expect(k.counts().submitted).toBe(1);
    const task = executor.submitted[0] as ExecutorTask;
    expect(task.staging?.stageIn.map((s) => s.file.url)).toEqual([`copy://${join(src, 'in.txt')}`]);
    expect(task.staging?.stageOut.map((s) => s.plugin.export)).toEqual(['copyOut']);
  });

  it('gives two inputs with the same name different local paths', async () => {
    mkdirSync(join(src, 'a'));
    mkdirSync(join(src, 'b'));
    writeFileSync(join(src, 'a', 'data.csv'), 'A');
    writeFileSync(join(src, 'b', 'data.csv'), 'B');
    await start([new CopyStaging('in-task')]);
    const both = app(async (o: { inputs: File[] }) => {
      const fs = await import('node:fs');
      return o.inputs.map((f) => fs.readFileSync(f.filepath, 'utf8') + ':' + f.filepath.split('/').pop());
    }, { ship: 'value' });
    expect(await both({ inputs: [new File(`copy://${join(src, 'a', 'data.csv')}`), new File(`copy://${join(src, 'b', 'data.csv')}`)] }))
      .toEqual(['A:data.csv', 'B:1_data.csv']);
  });

  it('a failed in-task stage-in fails the app with a StagingError naming the URL; dependants get DependencyError', async () => {
    const k = await start([new CopyStaging('in-task')]);
    const missing = `copy://${join(src, 'nope.txt')}`;
    const f = upper({ inputs: [new File(missing)], outputs: [new File(join(dir, 'never.txt'))] });
    const after = readInput({ inputs: [f.outputs[0]!] });
    const error = await f.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).url).toBe(missing);
    expect((error as StagingError).message).toContain(missing);
    const downstream = await after.then(() => undefined, (e: unknown) => e);
    expect(downstream).toBeInstanceOf(DependencyError);
    expect(k.counts()).toMatchObject({ failed: 1, dep_fail: 1 });
  });

  it('an output the app did not write fails the app with a StagingError', async () => {
    await start([new CopyStaging('in-task')]);
    const url = `copy://${join(src, 'out.txt')}`;
    const f = doesNothing({ outputs: [new File(url)] });
    await expect(f).rejects.toThrow(/did not write its output/);
    await expect(f.outputs[0]).rejects.toBeInstanceOf(StagingError);
  });
});

describe('staging configuration', () => {
  it('refuses a remote file no provider handles, naming it, before anything runs', async () => {
    const k = await start([new CopyStaging('separate-task')]);
    const f = readInput({ inputs: [new File('https://example.org/data.csv')] });
    const error = await f.then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toBe(ErrorCodes.BadFile);
    expect((error as Error).message).toContain('https://example.org/data.csv');
    expect(k.counts().submitted).toBe(1);
  });

  it('uses the first provider that accepts a file, and leaves local files alone', async () => {
    writeFileSync(join(src, 'in.txt'), 'x');
    writeFileSync(join(dir, 'local.txt'), 'local');
    const first = new CopyStaging('separate-task');
    const second = new CopyStaging('in-task');
    const k = await start([first, second]);
    expect((await readInput({ inputs: [new File(`copy://${join(src, 'in.txt')}`)] })).text).toBe('x');
    expect(first.contexts).toHaveLength(1);
    const local = await readInput({ inputs: [new File(join(dir, 'local.txt'))] });
    expect(local).toEqual({ text: 'local', localPath: join(dir, 'local.txt') });
    expect(readdirSync(join(k.runDir, 'staging'))).toHaveLength(1);
  });

  it('rejects a staging entry that is not a provider with a ConfigError naming its place', async () => {
    await expect(start([{ name: 'broken' } as never])).rejects.toMatchObject({ code: ErrorCodes.InvalidConfig, message: expect.stringContaining('staging[0]') });
  });
});
