import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTO_LOGNAME, AppFuture, AppTimeout, BashExitFailure, DependencyError, ErrorCodes, File, TaskCancelled, WorkerLost,
  app, loadConfig,
  type App, type Config, type DataFlowKernel, type Executor, type ExecutorTask, type RetryContext, type TaskEvent,
} from '@parsl-ts/core';
import { resolveCapabilities, conformanceCapabilities, type ConformanceCapabilities, type ConformanceCapability } from './capabilities.js';
import {
  bashWrite, busyBody, combine, crashWorker, digestBytes, double, doubleLater, doubleViaJoin, echoBoth, exitWith, flakyBody,
  identity, readText, shapes, sleepMarked, sleepMs, square, squaresViaJoin, sum, throwCoded, throwRange, writeText,
} from './conformanceApps.js';
import { captureError, processesMatching, pseudoRandomBytes, uniqueMarker, waitUntil } from './helpers.js';

/**
 * Options of {@link runExecutorConformance}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: ExecutorConformanceOptions = {
 *   name: 'executor-threads',
 *   createExecutors: () => [new ThreadPoolExecutor({ label: 'a', maxThreads: 2 }), new ThreadPoolExecutor({ label: 'b', maxThreads: 2 })],
 * };
 * ```
 */
export interface ExecutorConformanceOptions {
  /** Shown in the suite's name (usually the package folder, e.g. `executor-threads`). */
  readonly name: string;
  /**
   * Fresh, unstarted executor instances for one test: two of them, labelled `a` and `b` (with
   * `multipleExecutors: false`, one labelled `a` is enough). Called once per test.
   */
  readonly createExecutors: () => readonly Executor[];
  /** What the executor can do; every capability defaults to `true` (see {@link ConformanceCapabilities}). */
  readonly capabilities?: ConformanceCapabilities;
  /**
   * Extra config for every test (a serializer, a retry handler, a cleanupTimeout...). `executors`
   * and `runDir` are always the suite's own. Default: none, so the config's defaults apply
   * (for the serializer: `@parsl-ts/serializer-msgpack` when installed).
   */
  readonly config?: Partial<Config>;
  /**
   * URL of the by-reference fixtures module. Default: the copy inside this package
   * (`@parsl-ts/testing/fixtures/reference-apps`). Give another URL when the workers see the
   * module under another path; it must have the same exports.
   */
  readonly fixturesModuleUrl?: string;
  /** Time limit of each test, in ms. Default 120,000 (generous: suites run on loaded CI machines). */
  readonly testTimeoutMs?: number;
}

/** The exports of the fixtures module, as the suite uses them. */
interface ReferenceApps {
  readonly FIXTURES_MODULE_URL: string;
  readonly saltedDigest: App<[string], string>;
  readonly detectedDigest: App<[string], string>;
  readonly failByReference: App<[string], never>;
  readonly echoDigest: App<[string, { stdout?: string }?], number>;
  saltedDigestLocally(text: string): string;
}

/** A module-level helper with a module-level import: what an inline app may not capture by value. */
const LOCAL_SALT = 'conformance-local-salt';
function localDigest(text: string): string {
  return createHash('sha256').update(LOCAL_SALT).update(text).digest('hex');
}

const SUM_OF_SQUARES_BELOW_1000 = 332_833_500;

/**
 * Futures nested in arrays and plain objects are resolved by the DataFlowKernel before the task
 * runs, but an app's parameter types only allow a future at the top level of each argument:
 * this cast states that the nested futures are intended.
 */
function nested<T>(value: unknown): T {
  return value as T;
}

/**
 * Register the executor conformance suite with vitest: the behaviours every parsl-ts executor
 * must have, as Parsl's executors do. Call it at the top level of a test file of the executor's
 * package; every test loads a config with fresh executors and a temporary run directory, and
 * cleans up after itself.
 *
 * Covered: results and remote errors (class, message, remote stack); futures as arguments, also
 * nested; a 1,000-task fan-out/fan-in; dependency failures through two levels; retries and
 * retry handlers; bash apps (exit codes, stdout/stderr files, append mode, AUTO_LOGNAME, walltime
 * kill); JS walltime; join apps; File outputs as DataFutures; executor selection by label;
 * unknown labels; cancellation at cleanup; 20 MB arguments; 10,000 tasks; calls after cleanup;
 * task state order; worker loss; shipping by reference and the captured-variable check.
 *
 * A test the executor cannot pass is skipped only when its capability is declared `false`, and
 * the skip is visible: the test name says which capability was declared missing.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * // plugins/executor-threads/test/conformance.test.ts
 * import { runExecutorConformance } from '@parsl-ts/testing';
 * import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
 *
 * runExecutorConformance({
 *   name: 'executor-threads',
 *   createExecutors: () => [
 *     new ThreadPoolExecutor({ label: 'a', maxThreads: 2 }),
 *     new ThreadPoolExecutor({ label: 'b', maxThreads: 2 }),
 *   ],
 *   capabilities: { bash: true, walltime: true, workerLoss: true, byReference: true, largeArguments: true },
 * });
 * ```
 */
export function runExecutorConformance(options: ExecutorConformanceOptions): void {
  const caps = resolveCapabilities(options.capabilities);
  const timeout = options.testTimeoutMs ?? 120_000;
  const fixturesUrl = options.fixturesModuleUrl ?? new URL('./fixtures/referenceApps.js', import.meta.url).href;

  /** A test that runs only when the executor has every capability listed; visible when skipped. */
  const needs = (required: readonly ConformanceCapability[], name: string, fn: () => Promise<void>): void => {
    const missing = required.filter((c) => !caps[c]);
    const title = missing.length === 0 ? name
      : `${name} [skipped: the executor declares ${missing.map((c) => `${c}: false (${conformanceCapabilities[c]})`).join(', ')}]`;
    it.skipIf(missing.length > 0)(title, fn, timeout);
  };

  describe(`executor conformance: ${options.name}`, () => {
    let dir: string | undefined;
    let executors: readonly Executor[] = [];
    const kernels: DataFlowKernel[] = [];
    /** Markers of bash commands a test started: anything still matching is killed after the test. */
    const markers: string[] = [];

    async function start(extra: Partial<Config> = {}): Promise<DataFlowKernel> {
      dir ??= mkdtempSync(join(tmpdir(), 'parsl-ts-conformance-'));
      executors = options.createExecutors();
      if (executors.length === 0) throw new Error('createExecutors() returned no executor');
      const dfk = await loadConfig({
        ...options.config, ...extra, executors, runDir: join(dir, 'runinfo'),
      });
      kernels.push(dfk);
      return dfk;
    }

    function executorByLabel(label: string): Executor {
      const found = executors.find((e) => e.label === label);
      if (!found) throw new Error(`createExecutors() returned no executor labelled "${label}" (got ${executors.map((e) => e.label).join(', ')})`);
      return found;
    }

    afterEach(async () => {
      for (const dfk of kernels.splice(0)) await dfk.cleanup();
      for (const marker of markers.splice(0)) {
        for (const pid of processesMatching(marker)) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
        }
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
      executors = [];
    }, timeout);

    function tempPath(name: string): string {
      return join(dir!, name);
    }

    // (1) ---------------------------------------------------------------------------------------
    it('an app returns its value (sync and async functions, common value shapes)', async () => {
      await start();
      expect(await double(21)).toBe(42);
      expect(await doubleLater(4)).toBe(8);
      const value = await shapes();
      expect(value).toMatchObject({ text: 'héllo', int: 42, float: 1.5, negative: -7, big: 2n ** 70n, yes: true, nothing: null, list: [1, 'two', [3]] });
      expect(value.date).toEqual(new Date(86_400_000));
      expect(value.map).toEqual(new Map([['k', 1]]));
      expect(value.set).toEqual(new Set([1, 2]));
      const future = double(1);
      expect(future).toBeInstanceOf(Promise);
      expect(future).toBeInstanceOf(AppFuture);
      expect(future.tid).toBeGreaterThanOrEqual(0);
      await future;
      expect(future.state).toBe('exec_done');
    }, timeout);

    // (2) ---------------------------------------------------------------------------------------
    it('an app that throws rejects with the remote error class, message, fields and stack', async () => {
      await start();
      const error = await captureError(() => throwRange('out of range: 7')) as RangeError;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('out of range: 7');
      // The stack is the one recorded on the worker: it names the app's source (by value).
      expect(error.stack).toContain('parsl-ts-app://');
      expect(error.stack).toContain('conformanceThrows');
      const coded = await captureError(() => throwCoded('with fields')) as Error & { code?: string; detail?: unknown };
      expect(coded).toBeInstanceOf(Error);
      expect(coded.message).toBe('with fields');
      expect(coded.code).toBe('E_CONFORMANCE');
      expect(coded.detail).toEqual({ attempts: 3 });
    }, timeout);

    // (3) ---------------------------------------------------------------------------------------
    it('accepts futures as arguments, also nested in arrays and objects', async () => {
      await start();
      const a = double(1); // 2
      expect(await double(a)).toBe(4);
      expect(await sum(nested([a, double(a), 3]))).toBe(9);
      const result = await combine(nested({ a: double(2), list: [a, identity(3)], nested: { b: double(a), deeper: [{ c: identity(5) }] } }));
      expect(result).toBe(4 * 1000 + 5 * 100 + 4 * 10 + 5);
      expect(await double(Promise.resolve(8))).toBe(16);
    }, timeout);

    // (4) ---------------------------------------------------------------------------------------
    it('a 1,000-task fan-out/fan-in computes the sum of squares', async () => {
      await start();
      const squares = Array.from({ length: 1000 }, (_, i) => square(i));
      expect(await sum(nested(squares))).toBe(SUM_OF_SQUARES_BELOW_1000);
      expect(await Promise.all(squares.slice(0, 4))).toEqual([0, 1, 4, 9]);
    }, timeout);

    // (5) ---------------------------------------------------------------------------------------
    it('a failed dependency fails its dependants with DependencyError naming the root task, through two levels', async () => {
      await start();
      const root = throwRange('root failure');
      const middle = double(root);
      const leaf = sum(nested([middle, 1]));
      const leafError = await captureError(() => leaf) as DependencyError;
      expect(leafError).toBeInstanceOf(DependencyError);
      expect(leafError.code).toBe(ErrorCodes.DependencyFailed);
      expect(leafError.rootTaskId).toBe(root.tid);
      expect(leafError.failedDependencies).toEqual([middle.tid]);
      expect(leafError.rootCause).toBeInstanceOf(RangeError);
      expect((leafError.rootCause as Error).message).toBe('root failure');
      expect(leafError.message).toContain(`task ${root.tid}`);
      expect(leafError.message).toContain('root failure');
      const middleError = await captureError(() => middle) as DependencyError;
      expect(middleError).toBeInstanceOf(DependencyError);
      expect(middleError.rootTaskId).toBe(root.tid);
      expect(middle.state).toBe('dep_fail');
      expect(leaf.state).toBe('dep_fail');
      await expect(root).rejects.toBeInstanceOf(RangeError);
    }, timeout);

    // (6) ---------------------------------------------------------------------------------------
    it('retries: a task failing twice succeeds with retries=2 (config) and fails with retries=1 (app option)', async () => {
      await start({ retries: 2 });
      const flaky = app(flakyBody, { name: 'flaky' });
      const flakyRetryOnce = app(flakyBody, { name: 'flakyRetryOnce', retries: 1 });
      const first = tempPath('tries-1');
      expect(await flaky(first, 2)).toBe(3);
      expect(readFileSync(first, 'utf8')).toBe('3');
      const second = tempPath('tries-2');
      const error = await captureError(() => flakyRetryOnce(second, 2)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('failure 2 of 2');
      expect(readFileSync(second, 'utf8')).toBe('2');
    }, timeout);

    // (7) ---------------------------------------------------------------------------------------
    it('retryHandler: each failure is charged its cost (0.5 lets retries=1 retry twice; Infinity stops at once)', async () => {
      await start();
      const seen: RetryContext[] = [];
      const half = app(flakyBody, { name: 'flakyHalfCost', retries: 1, retryHandler: (_error, context) => { seen.push(context); return 0.5; } });
      const path = tempPath('tries-half');
      expect(await half(path, 2)).toBe(3);
      expect(seen.map((c) => c.tryNumber)).toEqual([0, 1]);
      expect(seen.map((c) => c.failCost)).toEqual([0, 0.5]);
      expect(seen[0]).toMatchObject({ appName: 'flakyHalfCost', executor: expect.any(String) });

      const stop = app(flakyBody, { name: 'flakyNoRetry', retries: 5, retryHandler: () => Infinity });
      const stopPath = tempPath('tries-stop');
      await expect(stop(stopPath, 2)).rejects.toThrow('failure 1 of 2');
      expect(readFileSync(stopPath, 'utf8')).toBe('1');
    }, timeout);

    // (8) ---------------------------------------------------------------------------------------
    needs(['bash'], 'a bash app resolves to 0 on exit 0 and rejects with BashExitFailure (exitCode 3) on exit 3', async () => {
      await start();
      expect(await exitWith(0)).toBe(0);
      const error = await captureError(() => exitWith(3)) as BashExitFailure;
      expect(error).toBeInstanceOf(BashExitFailure);
      expect(error.code).toBe(ErrorCodes.BashExitFailure);
      expect(error.exitCode).toBe(3);
    });

    // (9) ---------------------------------------------------------------------------------------
    needs(['bash'], 'a bash app writes stdout/stderr to files; [path, "a"] appends; AUTO_LOGNAME names files under runDir/task_logs', async () => {
      const dfk = await start();
      const out = tempPath('echo.out');
      const err = tempPath('echo.err');
      const f = echoBoth('plain', { stdout: out, stderr: err });
      expect(await f).toBe(0);
      expect(f.stdout).toBe(out);
      expect(f.stderr).toBe(err);
      expect(readFileSync(out, 'utf8')).toBe('plain\n');
      expect(readFileSync(err, 'utf8')).toBe('err-plain\n');
      // Truncates by default...
      await echoBoth('again', { stdout: out });
      expect(readFileSync(out, 'utf8')).toBe('again\n');
      // ...appends with [path, 'a'].
      const log = tempPath('append.log');
      await echoBoth('one', { stdout: [log, 'a'] });
      await echoBoth('two', { stdout: [log, 'a'] });
      expect(readFileSync(log, 'utf8')).toBe('one\ntwo\n');

      const auto = echoBoth('auto', { stdout: AUTO_LOGNAME, stderr: AUTO_LOGNAME });
      await auto;
      const logs = join(dfk.runDir, 'task_logs') + sep;
      expect(auto.stdout?.startsWith(logs)).toBe(true);
      expect(auto.stderr?.startsWith(logs)).toBe(true);
      expect(auto.stdout).not.toBe(auto.stderr);
      expect(readFileSync(auto.stdout!, 'utf8')).toBe('auto\n');
      expect(readFileSync(auto.stderr!, 'utf8')).toBe('err-auto\n');
    });

    // (10) --------------------------------------------------------------------------------------
    needs(['bash', 'bashWalltime'], 'a bash app over its walltime is killed: AppTimeout quickly, and its processes are gone', async () => {
      await start();
      const marker = uniqueMarker('walltime');
      markers.push(marker);
      const started = Date.now();
      const f = sleepMarked(marker, 30); // walltime 1 s
      const outcome = captureError(() => f);
      // The command did start (so "gone" below means killed, not never started).
      expect(await waitUntil(() => f.done() || processesMatching(marker).length > 0, 20_000, 25)).toBe(true);
      const error = await outcome;
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(AppTimeout);
      expect((error as AppTimeout).code).toBe(ErrorCodes.AppTimeout);
      expect(elapsed).toBeLessThan(10_000); // the sleep would take 30 s
      expect(await waitUntil(() => processesMatching(marker).length === 0, 10_000)).toBe(true);
    });

    // (11) --------------------------------------------------------------------------------------
    needs(['walltime'], 'a JS app over its walltime (a synchronous busy loop) rejects with AppTimeout; the executor still works', async () => {
      await start();
      const busy = app(busyBody, { name: 'busyLoop', walltime: 1 });
      const started = Date.now();
      const error = await captureError(() => busy(30));
      expect(error).toBeInstanceOf(AppTimeout);
      expect((error as AppTimeout).code).toBe(ErrorCodes.AppTimeout);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await double(21)).toBe(42);
      expect(await sum(nested(Array.from({ length: 20 }, (_, i) => double(i))))).toBe(380);
    });

    // (12) --------------------------------------------------------------------------------------
    it('join apps: returning one future, and a list of futures; their futures feed other apps', async () => {
      await start();
      expect(await doubleViaJoin(5)).toBe(10);
      expect(await squaresViaJoin(4)).toEqual([0, 1, 4, 9]);
      expect(await sum(squaresViaJoin(5) as PromiseLike<number[]>)).toBe(30);
      expect(await double(doubleViaJoin(1) as PromiseLike<number>)).toBe(4);
    }, timeout);

    // (13) --------------------------------------------------------------------------------------
    it('File outputs are DataFutures that feed another app through inputs', async () => {
      await start();
      const path = tempPath('message.txt');
      const written = writeText('hello, files', { outputs: [new File(path)] });
      expect(written.outputs).toHaveLength(1);
      const read = readText({ inputs: [written.outputs[0]!] });
      expect(await read).toBe('hello, files');
      const file = await written.outputs[0]!;
      expect(File.isFile(file)).toBe(true);
      expect(file.filepath).toBe(path);
      expect(await written).toBe('hello, files'.length);
    }, timeout);

    needs(['bash'], 'a bash app\'s File outputs feed another app through inputs', async () => {
      await start();
      const path = tempPath('bash-output.txt');
      const written = bashWrite('from bash', { outputs: [new File(path)] });
      expect(await readText({ inputs: [written.outputs[0]!] })).toBe('from bash');
      expect(existsSync(path)).toBe(true);
    });

    // (14) --------------------------------------------------------------------------------------
    needs(['multipleExecutors'], 'apps run on the executor their executors option names (labels a and b)', async () => {
      const dfk = await start();
      const submittedTo = spySubmissions([executorByLabel('a'), executorByLabel('b')]);
      const events: TaskEvent[] = [];
      dfk.onTaskEvent((e) => events.push(e));
      const onB = app((x: number) => x + 1, { name: 'onB', executors: ['b'] });
      const onA = app((x: number) => x - 1, { name: 'onA', executors: ['a'] });
      const bs = Array.from({ length: 5 }, (_, i) => onB(i));
      const as = Array.from({ length: 3 }, (_, i) => onA(i));
      expect(await Promise.all(bs)).toEqual([1, 2, 3, 4, 5]);
      expect(await Promise.all(as)).toEqual([-1, 0, 1]);
      expect(submittedTo.get('b')!.sort((x, y) => x - y)).toEqual(bs.map((f) => f.tid));
      expect(submittedTo.get('a')!.sort((x, y) => x - y)).toEqual(as.map((f) => f.tid));
      const launched = events.filter((e) => e.to === 'launched');
      for (const f of bs) expect(launched.find((e) => e.taskId === f.tid)?.executor).toBe('b');
      for (const f of as) expect(launched.find((e) => e.taskId === f.tid)?.executor).toBe('a');
      // Apps without the option may run on either, and both executors work.
      expect(await sum(nested(Array.from({ length: 10 }, (_, i) => double(i))))).toBe(90);
    });

    it('an app naming an unknown executor label fails with PARSL_UNKNOWN_EXECUTOR', async () => {
      await start();
      const nowhere = app((x: number) => x, { name: 'nowhere', executors: ['no-such-executor'] });
      const error = await captureError(() => nowhere(1)) as { code?: string; message?: string };
      expect(error?.code).toBe(ErrorCodes.UnknownExecutor);
      expect(error?.message).toContain('no-such-executor');
    }, timeout);

    // cancellation ------------------------------------------------------------------------------
    it('cleanup() rejects tasks it did not finish with TaskCancelled, and finishes in bounded time', async () => {
      const dfk = await start({ cleanupTimeout: 10 });
      const never = new Promise<number>(() => undefined);
      const waiting = Array.from({ length: 5 }, () => double(never));
      expect(waiting.every((f) => f.state === 'pending')).toBe(true);
      // Tasks already handed to the executor, still running or queued when cleanup starts.
      const running = Array.from({ length: 6 }, () => sleepMs(60_000));
      await waitUntil(() => running.every((f) => f.state === 'launched' || f.state === 'running'), 20_000);
      const started = Date.now();
      await dfk.cleanup();
      expect(Date.now() - started).toBeLessThan(20_000);
      for (const f of [...waiting, ...running]) {
        const error = await captureError(() => f) as TaskCancelled;
        expect(error).toBeInstanceOf(TaskCancelled);
        expect(error.code).toBe(ErrorCodes.TaskCancelled);
      }
    }, timeout);

    // large arguments ---------------------------------------------------------------------------
    needs(['largeArguments'], 'a 20 MB Uint8Array argument and result round-trip intact', async () => {
      await start();
      const data = pseudoRandomBytes(20 * 1024 * 1024);
      const expected = createHash('sha256').update(data).digest('hex');
      const result = await digestBytes(data);
      expect(result.length).toBe(data.length);
      expect(result.sha256).toBe(expected);
      expect(result.data).toBeInstanceOf(Uint8Array);
      expect(result.data.length).toBe(data.length);
      expect(createHash('sha256').update(result.data).digest('hex')).toBe(expected);
    });

    // many tasks --------------------------------------------------------------------------------
    needs(['manyTasks'], 'many tasks: 10,000 no-op tasks all resolve', async () => {
      const dfk = await start();
      const futures = Array.from({ length: 10_000 }, (_, i) => identity(i));
      const values = await Promise.all(futures);
      expect(values.length).toBe(10_000);
      expect(values.every((v, i) => v === i)).toBe(true);
      expect(dfk.pendingTasks).toBe(0);
      expect(dfk.counts().exec_done).toBeGreaterThanOrEqual(10_000);
    });

    // after cleanup -----------------------------------------------------------------------------
    it('calling an app after cleanup() fails with PARSL_DFK_CLOSED', async () => {
      const dfk = await start();
      expect(await double(1)).toBe(2);
      await dfk.cleanup();
      const error = await captureError(() => double(2)) as { code?: string };
      expect(error?.code).toBe(ErrorCodes.DataFlowKernelClosed);
    }, timeout);

    // task states -------------------------------------------------------------------------------
    it('task states, as onTaskEvent reports them, go unsched/pending → launched → (running) → exec_done in order', async () => {
      const dfk = await start();
      const events: TaskEvent[] = [];
      dfk.onTaskEvent((e) => events.push(e));
      const first = doubleLater(1);
      const second = double(first);
      expect(await second).toBe(4);
      const of = (f: { tid: number }): TaskEvent[] => events.filter((e) => e.taskId === f.tid);
      for (const [f, pattern] of [
        [first, /^(pending,)?launched,(running,)?(running_ended,)?exec_done$/],
        [second, /^pending,launched,(running,)?(running_ended,)?exec_done$/],
      ] as const) {
        const seen = of(f);
        expect(seen[0]?.from).toBe('unsched');
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.from).toBe(seen[i - 1]!.to);
        expect(seen.map((e) => e.to).join(',')).toMatch(pattern);
        expect(f.state).toBe('exec_done');
      }
    }, timeout);

    // worker loss -------------------------------------------------------------------------------
    needs(['workerLoss'], 'a worker that dies (process.exit) fails its task with WorkerLost, and later tasks still run', async () => {
      await start();
      const error = await captureError(() => crashWorker(1)) as WorkerLost;
      expect(error).toBeInstanceOf(WorkerLost);
      expect(error.code).toBe(ErrorCodes.WorkerLost);
      expect(await sum(nested(Array.from({ length: 20 }, (_, i) => double(i))))).toBe(380);
    });

    // (16) shipping by reference -----------------------------------------------------------------
    needs(['byReference'], 'an exported app using a module-level import, helper and constant runs by reference', async () => {
      await start();
      const fixtures = await import(fixturesUrl) as ReferenceApps;
      const shipped = await fixtures.saltedDigest.definition.shipped(fixtures.saltedDigest);
      expect(shipped).toMatchObject({ mode: 'reference', exportName: 'saltedDigest', moduleUrl: fixtures.FIXTURES_MODULE_URL });
      expect(await fixtures.saltedDigest('hello')).toBe(fixtures.saltedDigestLocally('hello'));
      // Futures and by-reference apps mix freely.
      expect(await fixtures.saltedDigest(identity('chained') as PromiseLike<string>)).toBe(fixtures.saltedDigestLocally('chained'));
      // An error raised by reference carries a stack that names the module.
      const error = await captureError(() => fixtures.failByReference('by reference')) as TypeError;
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^by reference \(\d+\)$/);
      // (Its source location: the module file, or its source-mapped original.)
      const stem = basename(new URL(fixtures.FIXTURES_MODULE_URL).pathname).replace(/\.[cm]?[jt]sx?$/, '');
      expect(error.stack).toMatch(new RegExp(`${stem}\\.[cm]?[jt]sx?:\\d+`));
    });

    needs(['byReference', 'bash'], 'an exported bash app using a module-level helper runs by reference', async () => {
      await start();
      const fixtures = await import(fixturesUrl) as ReferenceApps;
      const out = tempPath('digest.out');
      expect(await fixtures.echoDigest('bash', { stdout: out })).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(`${fixtures.saltedDigestLocally('bash')}\n`);
    });

    needs(['byReference'], 'the module of an exported app is found from where the app is defined (no module option)', async () => {
      await start();
      const fixtures = await import(fixturesUrl) as ReferenceApps;
      expect(fixtures.detectedDigest.definition.moduleUrl).toBe(fixtures.FIXTURES_MODULE_URL);
      expect(await fixtures.detectedDigest('found')).toBe(fixtures.saltedDigestLocally('found'));
    });

    it('an inline app capturing a module-level helper is rejected at definition with ship: "value", saying how to fix it', () => {
      let error: unknown;
      try {
        app((text: string) => localDigest(text), { name: 'inlineDigest', ship: 'value' });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: ErrorCodes.CapturedVariable });
      const { hint, variables, message } = error as { hint: string; variables: string[]; message: string };
      expect(variables).toContain('localDigest');
      expect(message).toContain('localDigest');
      expect(hint).toMatch(/\bpass\b/);
      expect(hint).toMatch(/\bexport/);
    });
  });
}

/** Record the ids of the tasks each executor receives (wraps `submit` on the instances). */
function spySubmissions(executors: readonly Executor[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const executor of executors) {
    const ids: number[] = [];
    seen.set(executor.label, ids);
    const original = executor.submit.bind(executor);
    (executor as { submit: Executor['submit'] }).submit = (task: ExecutorTask) => {
      ids.push(task.id);
      return original(task);
    };
    // Executors with the submitTask fast path get their tasks through it.
    if (executor.submitTask) {
      const originalTask = executor.submitTask.bind(executor);
      (executor as { submitTask: NonNullable<Executor['submitTask']> }).submitTask = (task, receiver) => {
        ids.push(task.id);
        originalTask(task, receiver);
      };
    }
  }
  return seen;
}
