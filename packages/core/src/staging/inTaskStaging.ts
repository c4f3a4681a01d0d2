import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { File } from '../data/File.js';
import { StagingError } from '../errors/usageErrors.js';
import type { ExecutorTask } from '../interfaces/Executor.js';
import type { InTaskFile, InTaskStagingRunner, InTaskStagingStep, TaskStaging } from '../interfaces/Staging.js';
import type { PluginDescriptor } from '../interfaces/Serializer.js';
import { instantiateDescriptor } from '../worker/instantiateDescriptor.js';
import { redactUrl, stagedFileName, UniqueNames } from './fileNames.js';
import { asStagingError } from './stagingErrors.js';
import { forEachInputSlot, invocationOf } from './taskFiles.js';

/** Runners by descriptor, per worker: a plugin is imported once, not once per task. */
const runners = new Map<string, Promise<InTaskStagingRunner>>();

interface PlacedStep { readonly step: InTaskStagingStep; readonly file: InTaskFile }

/**
 * Run a task with its in-task staging on a worker: place every staged file (where its step says,
 * or in a new working directory of the task's own, made in the step's `workingDir` or the
 * temporary folder), run the stage-in steps, give each File of the arguments whose URL was staged
 * its local path, run the task, then run the stage-out steps. The working directories are removed
 * afterwards, whatever happened.
 * A step that fails rejects with a StagingError naming the URL; the task then fails with it.
 *
 * @internal
 */
export async function runWithInTaskStaging(task: ExecutorTask, staging: TaskStaging, run: () => Promise<unknown>): Promise<unknown> {
  const names = new UniqueNames();
  /** The task's working directories, by the folder they were made in (one per folder). */
  const workingDirs = new Map<string, string>();
  const place = async (step: InTaskStagingStep): Promise<PlacedStep> => {
    let localPath = step.file.localPath;
    if (localPath === undefined) {
      const parent = step.workingDir ?? tmpdir();
      let workingDir = workingDirs.get(parent);
      if (workingDir === undefined) {
        await mkdir(parent, { recursive: true });
        workingDir = await mkdtemp(join(parent, `parsl-ts-task-${task.id}-`));
        workingDirs.set(parent, workingDir);
      }
      localPath = join(workingDir, names.take(stagedFileName(new File(step.file.url).path)));
    }
    await mkdir(dirname(localPath), { recursive: true });
    return { step, file: { url: step.file.url, localPath } };
  };
  try {
    const inputs: PlacedStep[] = [];
    for (const step of staging.stageIn) inputs.push(await place(step));
    const outputs: PlacedStep[] = [];
    for (const step of staging.stageOut) outputs.push(await place(step));

    await allOrFirstError(inputs.map((placed) => runStep(placed, task, 'stage-in')));
    setLocalPaths(task.args as unknown[], new Map([...inputs, ...outputs].map((p) => [p.file.url, p.file.localPath])));
    const value = await run();
    await allOrFirstError(outputs.map(async (placed) => {
      try {
        await access(placed.file.localPath);
      } catch (cause) {
        throw new StagingError(redactUrl(placed.file.url), `the app did not write its output ${placed.file.localPath}`, {
          cause, hint: `the app must write this output at its File's path (outputs[i].filepath = ${placed.file.localPath})`,
        });
      }
      await runStep(placed, task, 'stage-out');
    }));
    return value;
  } finally {
    for (const workingDir of workingDirs.values()) await rm(workingDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Wait for every step (none is left writing into a folder about to be removed), then fail with the first error. */
async function allOrFirstError(steps: Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

async function runStep(placed: PlacedStep, task: ExecutorTask, what: 'stage-in' | 'stage-out'): Promise<void> {
  try {
    const runner = await runnerFor(placed.step.plugin);
    await runner(placed.file, { taskId: task.id, tryNumber: task.try, workingDir: dirname(placed.file.localPath) });
  } catch (error) {
    throw asStagingError(error, placed.file.url, `${what} on the worker failed`);
  }
}

function runnerFor(plugin: PluginDescriptor): Promise<InTaskStagingRunner> {
  const key = JSON.stringify([plugin.package, plugin.export ?? '', plugin.options ?? {}]);
  let runner = runners.get(key);
  if (runner === undefined) {
    runner = instantiateDescriptor<unknown>(plugin, process.env.PARSL_TS_BASE_DIR ?? process.cwd()).then((made) => {
      if (typeof made !== 'function') {
        throw new TypeError(`${plugin.package} export ${plugin.export ?? '(default)'} did not return a staging runner function`);
      }
      return made as InTaskStagingRunner;
    });
    // A failed import is not cached: the next task tries again (and reports its own error).
    runner.catch(() => runners.delete(key));
    runners.set(key, runner);
  }
  return runner;
}

/** Give the staged local path to every File of the arguments named by a staged URL. */
function setLocalPaths(args: unknown[], paths: ReadonlyMap<string, string>): void {
  const visit = (value: unknown): void => {
    if (File.isFile(value) && paths.has(value.url)) value.localPath = paths.get(value.url);
  };
  forEachInputSlot(args, visit);
  const outputs = invocationOf(args)?.outputs;
  if (Array.isArray(outputs)) outputs.forEach(visit);
}
