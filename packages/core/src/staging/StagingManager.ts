import { mkdirSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { App, AppDefinition } from '../apps/AppDefinition.js';
import { joinApp } from '../apps/joinApp.js';
import { registerPlugin } from '../config/pluginLoader.js';
import { File } from '../data/File.js';
import type { Logger } from '../dfk/logger.js';
import type { TaskRecord } from '../dfk/TaskRecord.js';
import { TaskState } from '../dfk/TaskState.js';
import { ErrorCodes } from '../errors/codes.js';
import { ConfigError, StagingError, UsageError } from '../errors/usageErrors.js';
import type { AppFuture } from '../futures/AppFuture.js';
import { DataFuture } from '../futures/DataFuture.js';
import type { ExecutorTask } from '../interfaces/Executor.js';
import type { InTaskStagingStep, Staging, StagingContext } from '../interfaces/Staging.js';
import { redactUrl, stagedFileName, UniqueNames } from './fileNames.js';
import { asStagingError } from './stagingErrors.js';
import { forEachInputSlot, invocationOf, isRemoteFile } from './taskFiles.js';

/**
 * What the staging manager needs from its DataFlowKernel: where the run lives, its log, and a way
 * to submit the staging tasks.
 *
 * @internal
 */
export interface StagingHost {
  readonly runDir: string;
  readonly logger: Logger;
  submit(definition: AppDefinition, app: App<unknown[], unknown>, args: unknown[]): AppFuture<unknown>;
}

type Direction = 'in' | 'out';

/** One file of a new task that staging must move, found before anything is submitted. */
interface PlannedInput { readonly value: File | DataFuture; readonly replace: (next: unknown) => void; readonly provider: Staging }
interface PlannedOutput { readonly index: number; readonly file: File; readonly provider: Staging }

/**
 * The DataFlowKernel's staging logic, as Parsl's DataManager: for every file of a task named by a
 * URL other than `file://`, the first configured provider that accepts it moves it.
 *
 * - Separate-task providers (`stageIn`/`stageOut`) get tasks of their own, run in this process
 *   like join apps and visible as tasks (`stage_in_<provider>`, `stage_out_<provider>`): the app's
 *   task depends on its stage-in tasks (a failed stage-in fails it with a DependencyError), and
 *   each stage-out task waits for the app; the output's DataFuture settles when its stage-out does.
 * - In-task providers (`inTaskStageIn`/`inTaskStageOut`) add steps to the ExecutorTask, which the
 *   worker runs around the app (see `runWithInTaskStaging`).
 *
 * Tasks without remote files cost one scan of their arguments and nothing else.
 *
 * @internal
 */
export class StagingManager {
  private readonly providers: readonly Staging[];
  private readonly host: StagingHost;
  private readonly abort = new AbortController();
  /** Tasks with remote files (dropped with the record). */
  private readonly staged = new WeakSet<TaskRecord>();
  /** Tasks whose ExecutorTask carries in-task steps (dropped with the record). */
  private readonly inTask = new WeakSet<TaskRecord>();
  /** Output DataFutures settled by their stage-out task rather than by the app's task. */
  private readonly stagedOutputs = new WeakSet<DataFuture>();
  private readonly apps = new Map<string, App<unknown[], unknown>>();

  constructor(providers: readonly Staging[], host: StagingHost) {
    providers.forEach(validateProvider);
    for (const provider of providers) if (provider.manifest) registerPlugin(provider.manifest);
    this.providers = providers;
    this.host = host;
  }

  /**
   * Called for every new task (before its dependencies are collected): check that every remote
   * file has a provider (throws a BadFile UsageError otherwise, before submitting anything), then
   * submit the separate-task stage-ins and stage-outs and put the stage-ins' futures in place of
   * the files, so that the task waits for them.
   */
  prepare(record: TaskRecord): void {
    // Most tasks have no remote file: find out without allocating anything.
    if (record.definition.kind === 'join' || !hasRemoteFiles(record)) return;
    const inputs: PlannedInput[] = [];
    forEachInputSlot(record.args, (value, replace) => {
      const file = File.isFile(value) ? value : value instanceof DataFuture ? value.file : undefined;
      if (file !== undefined && file.scheme !== 'file') inputs.push({ value: value as File | DataFuture, replace, provider: this.provider(file, 'in', record) });
    });
    const outputs: PlannedOutput[] = [];
    record.call.outputs.forEach((file, index) => {
      if (file.scheme !== 'file') outputs.push({ index, file, provider: this.provider(file, 'out', record) });
    });
    if (inputs.length === 0 && outputs.length === 0) return;
    this.staged.add(record);

    const names = new UniqueNames();
    const workingDir = this.workingDir(record.id);
    const stagedIn = new Map<string, AppFuture<unknown>>();
    for (const input of inputs) {
      if (typeof input.provider.inTaskStageIn === 'function') {
        this.inTask.add(record);
        continue;
      }
      const url = File.isFile(input.value) ? input.value.url : input.value.file.url;
      let future = stagedIn.get(url);
      if (future === undefined) {
        // A clean copy with the suggested place; a DataFuture input is passed too, so that the
        // stage-in waits for the task that produces the file.
        const file = new File(url, join(workingDir, names.take(stagedFileName(new File(url).path))));
        const args: unknown[] = [file, record.id, record.executor];
        if (input.value instanceof DataFuture) args.push(input.value);
        future = this.submitStaging(input.provider, 'in', record.executor, args);
        stagedIn.set(url, future);
      }
      input.replace(future);
    }
    for (const output of outputs) {
      if (typeof output.provider.inTaskStageOut === 'function') {
        this.inTask.add(record);
        continue;
      }
      // The app writes the output where the submit side can read it; the task and its
      // DataFuture get a copy of the File with that path (the caller's File is left as it was).
      mkdirSync(workingDir, { recursive: true });
      const file = new File(output.file.url, join(workingDir, names.take(stagedFileName(output.file.path))));
      (record.call.outputs as File[])[output.index] = file;
      const dataFuture = new DataFuture(file, record.future);
      (record.future.outputs as DataFuture[])[output.index] = dataFuture;
      this.stagedOutputs.add(dataFuture);
      const stagedOut = this.submitStaging(output.provider, 'out', record.executor, [file, record.id, record.executor, record.future, new OwnerTask(record.future)]);
      stagedOut.then(
        () => { if (!dataFuture.done()) dataFuture.settleResolve(file); },
        (error: unknown) => { if (!dataFuture.done()) dataFuture.settleReject(error); },
      );
    }
  }

  /**
   * The task to hand to the executor: `task` itself when it has no remote files; otherwise a copy
   * whose `inputs` are the staged Files (with their local paths, once separate-task stage-ins are
   * done) and which carries the in-task steps for the remote files whose provider stages them on
   * the worker. Called for every try.
   */
  withInTaskSteps(record: TaskRecord, task: ExecutorTask): ExecutorTask {
    if (!this.staged.has(record)) return task;
    const inputs = invocationOf(record.args)?.inputs;
    const resolved = Array.isArray(inputs) ? { ...task, inputs: inputs.filter((i) => File.isFile(i)) as File[] } : task;
    if (!this.inTask.has(record)) return resolved;
    const stageIn: InTaskStagingStep[] = [];
    const seen = new Set<string>();
    forEachInputSlot(record.args, (value) => {
      if (!isRemoteFile(value) || seen.has(value.url)) return;
      const provider = this.provider(value, 'in', record);
      if (typeof provider.inTaskStageIn !== 'function') return; // staged by a separate task already
      seen.add(value.url);
      stageIn.push(provider.inTaskStageIn(new File(value.url)));
    });
    const stageOut: InTaskStagingStep[] = [];
    for (const file of record.call.outputs) {
      if (file.scheme === 'file') continue;
      const provider = this.provider(file, 'out', record);
      if (typeof provider.inTaskStageOut === 'function') stageOut.push(provider.inTaskStageOut(new File(file.url)));
    }
    if (stageIn.length === 0 && stageOut.length === 0) return resolved;
    return { ...resolved, staging: { stageIn, stageOut } };
  }

  /** True when `output` is settled by its stage-out task, not when the app's task ends. */
  settlesLater(output: DataFuture): boolean {
    return this.stagedOutputs.has(output);
  }

  /** Stop staging: providers see their context's signal aborted (cleanup). */
  close(): void {
    this.abort.abort(new Error('the DataFlowKernel was cleaned up'));
  }

  private workingDir(taskId: number): string {
    return join(this.host.runDir, 'staging', String(taskId));
  }

  private provider(file: File, direction: Direction, record: TaskRecord): Staging {
    for (const provider of this.providers) {
      if (!(direction === 'in' ? provider.canStageIn(file) : provider.canStageOut(file))) continue;
      const usable = direction === 'in'
        ? typeof provider.inTaskStageIn === 'function' || typeof provider.stageIn === 'function'
        : typeof provider.inTaskStageOut === 'function' || typeof provider.stageOut === 'function';
      if (!usable) {
        throw new UsageError(ErrorCodes.BadFile, `staging provider ${provider.name} accepts ${redactUrl(file.url)} for stage-${direction} but implements neither stage${direction === 'in' ? 'In' : 'Out'} nor inTaskStage${direction === 'in' ? 'In' : 'Out'}`, {
          hint: `fix the provider, or put a provider that implements stage-${direction} for ${file.scheme}:// before it in the config's staging list`,
        });
      }
      return provider;
    }
    throw new UsageError(ErrorCodes.BadFile,
      `app ${record.definition.name}: no staging provider can stage ${direction === 'in' ? 'in' : 'out'} ${redactUrl(file.url)} (scheme ${file.scheme}://); the config has ${this.providers.map((p) => p.name).join(', ')}`, {
        hint: `add a staging provider for ${file.scheme}:// to the config's staging list (see docs/staging.md), or pass a local path`,
      });
  }

  private submitStaging(provider: Staging, direction: Direction, label: string, args: unknown[]): AppFuture<unknown> {
    const app = this.stagingApp(provider, direction, label);
    return this.host.submit(app.definition, app, args);
  }

  /** One join-like app per provider, direction and executor (tasks are shown on the app's executor). */
  private stagingApp(provider: Staging, direction: Direction, label: string): App<unknown[], unknown> {
    const key = `${this.providers.indexOf(provider)}\u0000${direction}\u0000${label}`;
    let app = this.apps.get(key);
    if (app === undefined) {
      const run = direction === 'in'
        ? (file: File, owner: number, executor: string) => this.stageIn(provider, file, owner, executor)
        : (file: File, owner: number, executor: string, _result: unknown, ownerTask: OwnerTask) => this.stageOut(provider, file, owner, executor, ownerTask);
      app = joinApp(run, { name: `stage_${direction}_${provider.name}`, executors: [label] }) as unknown as App<unknown[], unknown>;
      this.apps.set(key, app);
    }
    return app;
  }

  private async stageIn(provider: Staging, file: File, owner: number, executor: string): Promise<File> {
    let staged: File;
    try {
      await mkdir(dirname(file.localPath!), { recursive: true });
      staged = await provider.stageIn!(file, this.context(provider, owner, executor));
    } catch (error) {
      throw asStagingError(error, file.url, `stage-in by ${provider.name} failed`);
    }
    if (!File.isFile(staged) || staged.localPath === undefined) {
      throw new StagingError(redactUrl(file.url), `staging provider ${provider.name} resolved without a local path`, {
        hint: 'stageIn must resolve to a File whose localPath says where the data is',
      });
    }
    return staged;
  }

  private async stageOut(provider: Staging, file: File, owner: number, executor: string, ownerTask: OwnerTask): Promise<File> {
    // A result served from the memoizer was not computed now: its outputs were delivered by the
    // run that computed it, and there is nothing here to stage out.
    if (ownerTask.future.state === TaskState.memo_done) return file;
    try {
      await access(file.localPath!);
    } catch (cause) {
      throw new StagingError(redactUrl(file.url), `the app did not write its output ${file.localPath}`, {
        cause, hint: `the app must write this output at its File's path (outputs[i].filepath = ${file.localPath})`,
      });
    }
    try {
      await provider.stageOut!(file, this.context(provider, owner, executor));
    } catch (error) {
      throw asStagingError(error, file.url, `stage-out by ${provider.name} failed`);
    }
    return file;
  }

  private context(provider: Staging, taskId: number, executorLabel: string): StagingContext {
    return {
      runDir: this.host.runDir, executorLabel, taskId, signal: this.abort.signal,
      workingDir: this.workingDir(taskId), logger: this.host.logger.child({ staging: provider.name }),
    };
  }
}

/**
 * True for an object that can serve as a staging provider (name, canStageIn, canStageOut).
 *
 * @internal
 */
export function isStagingProvider(value: unknown): value is Staging {
  const provider = value as Partial<Staging> | null;
  return typeof provider === 'object' && provider !== null && typeof provider.name === 'string' &&
    typeof provider.canStageIn === 'function' && typeof provider.canStageOut === 'function';
}

/** True when a task has a remote File (or a DataFuture of one) among its staged places. */
function hasRemoteFiles(record: TaskRecord): boolean {
  for (const file of record.call.outputs) if (file.scheme !== 'file') return true;
  const args = record.args;
  const invocation = invocationOf(args);
  const positional = invocation === undefined ? args.length : args.length - 1;
  for (let i = 0; i < positional; i++) if (isRemote(args[i])) return true;
  const inputs = invocation?.inputs;
  if (Array.isArray(inputs)) for (const value of inputs) if (isRemote(value)) return true;
  return false;
}

function isRemote(value: unknown): boolean {
  return isRemoteFile(value) || (value instanceof DataFuture && value.file.scheme !== 'file');
}

/**
 * Hands a stage-out task its app's future without making it a dependency again (the DataFlowKernel
 * only looks into arrays and plain objects for futures).
 */
class OwnerTask {
  constructor(readonly future: AppFuture<unknown>) {}
}

function validateProvider(provider: Staging, index: number): void {
  if (!isStagingProvider(provider)) {
    throw new ConfigError('is not a staging provider (needs name, canStageIn, canStageOut)', {
      path: `staging[${index}]`, hint: 'create it with a staging plugin, e.g. new HttpStaging() from @parsl-ts/staging-http',
    });
  }
}
