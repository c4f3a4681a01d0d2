import type { File } from '../data/File.js';
import type { PluginManifest } from '../config/PluginManifest.js';
import type { Logger } from '../dfk/logger.js';
import type { PluginDescriptor } from './Serializer.js';

/**
 * What a staging provider can use while staging a file on the submit side.
 *
 * @since 0.1.0
 */
export interface StagingContext {
  /** The run directory, for temporary files. */
  readonly runDir: string;
  /** The label of the executor the task runs on. */
  readonly executorLabel: string;
  /** The id of the task the file belongs to. */
  readonly taskId: number;
  /** Aborted when the DataFlowKernel is cleaned up: stop waiting and clean up. */
  readonly signal: AbortSignal;
  /**
   * The folder for this task's staged files on the submit side, `<runDir>/staging/<taskId>`
   * (not created: create it when you write into it). Use it unless the provider was given a folder
   * of its own; workers must see it (the same machine or a shared filesystem).
   *
   * @since 0.2.0
   */
  readonly workingDir?: string;
  /**
   * The run's logger, scoped to the staging provider.
   *
   * @since 0.2.0
   */
  readonly logger?: Logger;
}

/**
 * Moves files named by URL in and out of tasks. Two styles, as in Parsl:
 * - separate-task staging: `stageIn`/`stageOut` run on the submit side (HTTP download into a
 *   shared directory, a Globus transfer) before or after the task;
 * - in-task staging: `inTaskStageIn`/`inTaskStageOut` return a plain-data step that the worker
 *   runs right before or after the task, where the data is needed.
 *
 * The config's `staging` list holds providers; for each file of a task whose scheme is not `file`,
 * the first provider whose `canStageIn`/`canStageOut` accepts it moves it (docs/staging.md).
 * Implementations: `@parsl-ts/staging-http`, `-ftp`, `-rsync`, `-zip`, `-globus`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const staging: Staging = {
 *   name: 'http', canStageIn: (f) => f.scheme === 'https', canStageOut: () => false,
 *   async stageIn(file, ctx) { await download(file.url, `${ctx.runDir}/x`); return new File(file.url, `${ctx.runDir}/x`); },
 * };
 * ```
 */
export interface Staging {
  /** Name for logs and errors. */
  readonly name: string;
  /** True when this provider stages `file` in. */
  canStageIn(file: File): boolean;
  /** True when this provider stages `file` out. */
  canStageOut(file: File): boolean;
  /**
   * Separate-task stage-in, run in a staging task on the submit side. `file.localPath` is a
   * suggested place in the task's staging folder (whose folder exists, and whose name is unique
   * within the task); resolves to the File with the `localPath` where the data now is.
   */
  stageIn?(file: File, context: StagingContext): Promise<File>;
  /**
   * Separate-task stage-out, run in a staging task after the producing task succeeded (the app
   * wrote `file.localPath`); resolves when the data is at `file.url`.
   */
  stageOut?(file: File, context: StagingContext): Promise<File>;
  /** In-task stage-in: a step the worker runs before the task (preferred over `stageIn` when both exist). */
  inTaskStageIn?(file: File): InTaskStagingStep;
  /** In-task stage-out: a step the worker runs after the task (preferred over `stageOut` when both exist). */
  inTaskStageOut?(file: File): InTaskStagingStep;
  /**
   * The manifest of the plugin that made this provider; `loadConfig` checks its core range, so an
   * instance created with `new` is checked like one named in a config file.
   *
   * @since 0.2.0
   */
  readonly manifest?: PluginManifest;
}

/**
 * A staging step run on the worker. The worker imports `plugin.package` (resolved from the
 * workflow's folder, like a config file's plugins), calls its export `plugin.export` with
 * `plugin.options` to get an {@link InTaskStagingRunner}, and calls that with the file: it must
 * leave the data at `localPath` (stage-in) or deliver the data found there to `url` (stage-out).
 * When `file.localPath` is not set, the worker chooses it in a working directory of the task's own.
 *
 * @since 0.1.0
 */
export interface InTaskStagingStep {
  /** The worker-side implementation. */
  readonly plugin: PluginDescriptor;
  /** The file, in plain form. */
  readonly file: { readonly url: string; readonly localPath?: string };
  /**
   * Where on the worker the task's working directory for this file is made (a new folder per
   * task, removed after it) when `file.localPath` is not set. Default: the temporary folder.
   *
   * @since 0.2.0
   */
  readonly workingDir?: string;
}

/**
 * A file as an in-task staging runner gets it: its URL and where it is (or must be) on the worker.
 *
 * @since 0.2.0
 */
export interface InTaskFile {
  /** The URL the file was named by. */
  readonly url: string;
  /** Its path on the worker: where stage-in must write it, where stage-out finds it. */
  readonly localPath: string;
}

/**
 * What an in-task staging runner is told besides the file.
 *
 * @since 0.2.0
 */
export interface InTaskStagingContext {
  /** Task id. */
  readonly taskId: number;
  /** Try number, from 0. */
  readonly tryNumber: number;
  /** The folder the task's staged files go to on this worker (exists). */
  readonly workingDir: string;
}

/**
 * The worker-side half of in-task staging: what the factory named by an
 * {@link InTaskStagingStep}'s `plugin` returns. Resolve when the data is in place (stage-in) or
 * delivered (stage-out); reject with a `StagingError` that names the URL and says what happened.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * export const copyIn = (): InTaskStagingRunner => async (file) => { await copyFile(new URL(file.url).pathname, file.localPath); };
 * ```
 */
export type InTaskStagingRunner = (file: InTaskFile, context: InTaskStagingContext) => Promise<void>;

/**
 * The in-task staging steps a task carries to its worker (`ExecutorTask.staging`): the worker
 * runs `stageIn` before the app, sets each staged File's `localPath` in the arguments, runs the
 * app, then runs `stageOut`.
 *
 * @since 0.2.0
 */
export interface TaskStaging {
  /** Steps run before the app. */
  readonly stageIn: readonly InTaskStagingStep[];
  /** Steps run after the app succeeded. */
  readonly stageOut: readonly InTaskStagingStep[];
}
