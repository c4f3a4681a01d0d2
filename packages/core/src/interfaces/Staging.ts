import type { File } from '../data/File.js';
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
}

/**
 * Moves files named by URL in and out of tasks. Two styles, as in Parsl:
 * - separate-task staging: `stageIn`/`stageOut` run on the submit side (HTTP download into a
 *   shared directory, a Globus transfer) before or after the task;
 * - in-task staging: `inTaskStageIn`/`inTaskStageOut` return a plain-data step that the worker
 *   runs right before or after the task, where the data is needed.
 *
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
  /** Separate-task stage-in: resolves to the File with its `localPath` set. */
  stageIn?(file: File, context: StagingContext): Promise<File>;
  /** Separate-task stage-out: runs after the producing task; resolves when the data is at `file.url`. */
  stageOut?(file: File, context: StagingContext): Promise<File>;
  /** In-task stage-in: a step the worker runs before the task. */
  inTaskStageIn?(file: File): InTaskStagingStep;
  /** In-task stage-out: a step the worker runs after the task. */
  inTaskStageOut?(file: File): InTaskStagingStep;
}

/**
 * A staging step run on the worker: the module export named by `plugin` is called with `file` and
 * `options`; it must leave the file at `file.localPath` (stage-in) or deliver it (stage-out).
 *
 * @since 0.1.0
 */
export interface InTaskStagingStep {
  /** The worker-side implementation. */
  readonly plugin: PluginDescriptor;
  /** The file, in plain form. */
  readonly file: { readonly url: string; readonly localPath?: string };
}
