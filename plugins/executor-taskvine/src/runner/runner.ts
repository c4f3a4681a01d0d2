/**
 * The worker-side runner of @parsl-ts/executor-taskvine: runs one parsl-ts task inside the
 * sandbox a TaskVine or Work Queue worker made for it, and writes the result file the manager
 * brings back.
 *
 * Two ways in, one code path:
 * - `node parsl-ts-runner.mjs --parsl-ts-run-sandbox` in the sandbox (this file is shipped to the
 *   worker as a cached input file), when the worker was not started by a parsl-ts block;
 * - `runTaskInSandbox()` called by a warm process of the runner pool of a parsl-ts block (see
 *   worker/RunnerPool.ts), which saves starting Node.js for every task.
 *
 * This module is self-contained on purpose: shipped into a sandbox, it cannot import files next to
 * it, so it imports only Node's own modules and loads `@parsl-ts/core` and the serializer at run
 * time from `PARSL_TS_BASE_DIR` (the workflow's folder, or where parsl-ts is installed on the
 * workers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExecutorTask, PluginDescriptor, Serializer, ShippedFunction } from '@parsl-ts/core';

type CoreModule = typeof import('@parsl-ts/core');
type CoreWorkerModule = typeof import('@parsl-ts/core/worker');

/** Names of the files of a task in its sandbox. */
export const SANDBOX_NAMES = {
  /** The serialized task without its function ({@link TaskPayload}). */
  task: 'parsl-ts.task',
  /** The serialized function (a cached input: one file per function, shared by its tasks). */
  fn: 'parsl-ts.fn',
  /** The serialized `[ok, valueOrError]` the runner writes. */
  result: 'parsl-ts.result',
  /** This runner, shipped as a cached input. */
  runner: 'parsl-ts-runner.mjs',
  /** A bash app's stdout and stderr when they are redirected. */
  stdout: 'parsl-ts.stdout',
  stderr: 'parsl-ts.stderr',
  /** The FIFO on which a task waits for the runner pool's answer. */
  reply: '.parsl-ts-reply',
} as const;

/** The argument that makes this module run the task of the current directory. */
export const RUN_FLAG = '--parsl-ts-run-sandbox';

/** Exit codes of a task command, as the executor reads them when there is no result file. */
export const RunnerExit = {
  /** The result file was written (the app's own failure is inside it). */
  ok: 0,
  /** The runner could not run the task at all (parsl-ts or the serializer missing on the worker); see its output. */
  failed: 70,
  /** The process running the task died before writing the result (the app called process.exit, a crash). */
  processLost: 75,
  /** The task ran past its walltime and was killed. */
  timeout: 124,
} as const;

/** What the task file holds. */
export interface TaskPayload {
  /** Hash of the function (which travels in its own, cached file). */
  readonly fnHash: string;
  /** The task, without `fn`. */
  readonly task: Omit<ExecutorTask, 'fn'>;
  /** Sample the resources the task used (monitoring with resource monitoring on). */
  readonly sampleResources?: boolean;
}

/** The resources a task used, measured by the runner around it (its process tree, from /proc). */
export interface ResourceSample {
  readonly pid: number;
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly rssBytes: number;
  readonly readBytes: number;
  readonly writeBytes: number;
}

/** The result file: `[ok, value or error]`, and the resource sample when one was asked for. */
export type ResultPayload = [ok: boolean, value: unknown, usage?: ResourceSample];

/** The parts of @parsl-ts/core the runner uses. */
export interface RunnerApi {
  readonly executeTask: CoreWorkerModule['executeTask'];
  readonly instantiateDescriptor: CoreWorkerModule['instantiateDescriptor'];
  readonly markWorkerContext: CoreWorkerModule['markWorkerContext'];
  readonly errorToPlain: CoreModule['errorToPlain'];
  readonly SerializationError: CoreModule['SerializationError'];
  readonly File: CoreModule['File'];
  /** Absent from cores older than 0.1.1: then no resource samples. */
  readonly sampleProcessTree: CoreWorkerModule['sampleProcessTree'] | undefined;
  readonly usageSince: CoreWorkerModule['usageSince'] | undefined;
}

/** The module a package's export map points `subpath` to (its `import` or `default` condition). */
function exportTarget(exportsField: unknown, subpath: string): string {
  const entry = (exportsField as Record<string, unknown>)[subpath];
  if (typeof entry === 'string') return entry;
  const conditions = entry as Record<string, unknown> | undefined;
  const target = conditions?.import ?? conditions?.default;
  if (typeof target !== 'string') throw new Error(`@parsl-ts/core exports no ${subpath}`);
  return target;
}

/**
 * Import @parsl-ts/core as installed in `baseDir` (found through its exported package.json, so any
 * package manager layout works), or else next to this file.
 */
export async function loadRunnerApi(baseDir: string): Promise<RunnerApi> {
  let core: CoreModule;
  let worker: CoreWorkerModule;
  try {
    const packageJson = createRequire(join(baseDir, '__parsl_ts_runner__.js')).resolve('@parsl-ts/core/package.json');
    const exportsField = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: unknown }).exports;
    const root = dirname(packageJson);
    core = await import(pathToFileURL(join(root, exportTarget(exportsField, '.'))).href) as CoreModule;
    worker = await import(pathToFileURL(join(root, exportTarget(exportsField, './worker'))).href) as CoreWorkerModule;
  } catch {
    core = await import('@parsl-ts/core');
    worker = await import('@parsl-ts/core/worker');
  }
  return {
    executeTask: worker.executeTask, instantiateDescriptor: worker.instantiateDescriptor, markWorkerContext: worker.markWorkerContext,
    errorToPlain: core.errorToPlain, SerializationError: core.SerializationError, File: core.File,
    sampleProcessTree: (worker as Partial<CoreWorkerModule>).sampleProcessTree, usageSince: (worker as Partial<CoreWorkerModule>).usageSince,
  };
}

/** Serialize the result; a value the serializer refuses becomes a SerializationError result. */
function encode(serializer: Serializer, api: RunnerApi, ok: boolean, value: unknown, usage: ResourceSample | undefined): Uint8Array {
  const payload = (result: ResultPayload): Uint8Array => serializer.serialize(usage ? result : result.slice(0, 2));
  try {
    return payload([ok, value, usage]);
  } catch (error) {
    const plain = api.errorToPlain(ok ? error : value);
    const reason = ok
      ? new api.SerializationError(`the result could not be serialized: ${plain.message}`, { hint: 'return plain data from apps' })
      : Object.assign(new Error(plain.message), { name: plain.name, stack: plain.stack });
    return payload([false, reason, usage]);
  }
}

/**
 * Files of the app's `inputs` and `outputs` were given names relative to the sandbox by the
 * executor; make them absolute, so the app finds them whatever its working directory.
 */
function anchorFiles(args: readonly unknown[], sandbox: string, api: RunnerApi): void {
  const last = args[args.length - 1] as { inputs?: unknown; outputs?: unknown } | undefined;
  if (typeof last !== 'object' || last === null) return;
  for (const list of [last.inputs, last.outputs]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (api.File.isFile(item) && item.localPath !== undefined && !isAbsolute(item.localPath)) item.localPath = join(sandbox, item.localPath);
    }
  }
}

/** Set `env` for the duration of a task; returns what restores the previous values. */
function applyEnv(env: Readonly<Record<string, string>> | undefined): () => void {
  if (!env) return () => undefined;
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Run the task whose files are in `sandbox` and write its result file there. The app's own failure
 * (and a task file that cannot be decoded) is written as a failed result; only a result that cannot
 * be written at all throws. `functions` caches deserialized functions by hash across calls.
 */
export async function runTaskInSandbox(sandbox: string, serializer: Serializer, api: RunnerApi, functions: Map<string, ShippedFunction> = new Map()): Promise<void> {
  let ok: boolean;
  let value: unknown;
  let sample: (() => ResourceSample | undefined) | undefined;
  const previousCwd = process.cwd();
  let restoreEnv = (): void => undefined;
  try {
    const payload = serializer.deserialize(readFileSync(join(sandbox, SANDBOX_NAMES.task))) as TaskPayload;
    const { sampleProcessTree, usageSince } = api;
    if (payload.sampleResources && sampleProcessTree && usageSince) {
      const base = sampleProcessTree(process.pid);
      sample = () => {
        const now = sampleProcessTree(process.pid);
        return now ? { pid: process.pid, ...usageSince(now, base) } : undefined;
      };
    }
    let fn = functions.get(payload.fnHash);
    if (fn === undefined) {
      fn = serializer.deserialize(readFileSync(join(sandbox, SANDBOX_NAMES.fn))) as ShippedFunction;
      functions.set(payload.fnHash, fn);
    }
    const task: ExecutorTask = { ...payload.task, fn };
    anchorFiles(task.args, sandbox, api);
    restoreEnv = applyEnv(task.env);
    process.chdir(sandbox);
    value = await api.executeTask(task);
    ok = true;
  } catch (error) {
    value = error;
    ok = false;
  } finally {
    restoreEnv();
    try { process.chdir(previousCwd); } catch { /* the previous folder is gone: stay */ }
  }
  writeFileSync(join(sandbox, SANDBOX_NAMES.result), encode(serializer, api, ok, value, sample?.()));
}

/** `node parsl-ts-runner.mjs --parsl-ts-run-sandbox`: run the task of the current directory, then exit. */
async function runAsCommand(): Promise<number> {
  const baseDir = process.env.PARSL_TS_BASE_DIR ?? process.cwd();
  let api: RunnerApi;
  let serializer: Serializer;
  try {
    api = await loadRunnerApi(baseDir);
    api.markWorkerContext();
    const descriptor = JSON.parse(process.env.PARSL_TS_SERIALIZER ?? 'null') as PluginDescriptor | null;
    if (!descriptor) throw new Error('PARSL_TS_SERIALIZER is not set: this runner is started by the TaskVine executor');
    serializer = await api.instantiateDescriptor<Serializer>(descriptor, baseDir);
  } catch (error) {
    process.stderr.write(`parsl-ts runner: cannot load @parsl-ts/core or the serializer from ${baseDir}: ${(error as Error)?.stack ?? String(error)}\n`);
    return RunnerExit.failed;
  }
  await runTaskInSandbox(process.cwd(), serializer, api);
  return RunnerExit.ok;
}

if (process.argv.includes(RUN_FLAG)) {
  runAsCommand().then((code) => process.exit(code), (error: unknown) => {
    process.stderr.write(`parsl-ts runner: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(RunnerExit.failed);
  });
}
