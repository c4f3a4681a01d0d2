import { basename, join } from 'node:path';
import { ConfigError, File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { plugin } from './manifest.js';
import { DEFAULT_TIMEOUT_SECONDS, type RsyncOptions } from './rsyncCommand.js';
import { runRsync } from './runRsync.js';

/**
 * Options of {@link RsyncStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface RsyncStagingOptions extends RsyncOptions {
  /**
   * `in-task` (default, as Parsl's RSyncStaging): rsync runs on the worker, inside the task, so
   * the worker needs rsync (and ssh access to remote hosts). `separate-task`: rsync runs on the
   * submit side in staging tasks of their own; the files pass through a folder the workers must
   * see (the same machine or a shared filesystem).
   */
  readonly mode?: 'in-task' | 'separate-task';
  /**
   * Where staged files go. In-task: the folder in which each task gets a working directory of its
   * own on the worker (default: the worker's temporary folder); separate-task: the folder in which
   * each task gets a subfolder (default: `<runDir>/staging/<taskId>`).
   */
  readonly workingDir?: string;
}

const OPTION_KEYS = new Set(['mode', 'workingDir', 'rsyncOptions', 'timeoutSeconds', 'identityFile', 'sshOptions', 'rsync', 'ssh']);

/**
 * Stages `rsync://` files in and out of tasks with the rsync program: `rsync:///abs/path` is a
 * path on the machine that runs rsync, `rsync://[user@]host[:port]/abs/path` is `host:/abs/path`
 * over ssh. Use it for inputs (copied in before the app runs) and outputs (copied out after it
 * succeeded, creating missing folders).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ staging: [new RsyncStaging({ identityFile: '~/.ssh/id_ed25519' })] });
 * await simulate({ outputs: [new File('rsync://me@archive.example.org/data/run-1/result.h5')] });
 * ```
 */
export class RsyncStaging implements Staging {
  /** Name for logs and errors: `rsync-in-task` or `rsync-separate-task`. */
  readonly name: string;
  /** The options as given (plain data). */
  readonly options: RsyncStagingOptions;
  /** The plugin manifest (core range checked by `loadConfig`). */
  readonly manifest: PluginManifest = plugin;
  /** Separate-task stage-in (separate-task mode only). */
  readonly stageIn?: (file: File, context: StagingContext) => Promise<File>;
  /** Separate-task stage-out (separate-task mode only). */
  readonly stageOut?: (file: File, context: StagingContext) => Promise<File>;
  /** In-task stage-in step (in-task mode only). */
  readonly inTaskStageIn?: (file: File) => InTaskStagingStep;
  /** In-task stage-out step (in-task mode only). */
  readonly inTaskStageOut?: (file: File) => InTaskStagingStep;

  constructor(options: RsyncStagingOptions = {}) {
    this.options = checkOptions(options);
    const { mode = 'in-task', workingDir, ...rsync } = this.options;
    this.name = `rsync-${mode}`;
    if (mode === 'separate-task') {
      const localPath = (file: File, context: StagingContext): string => (workingDir !== undefined
        ? join(workingDir, String(context.taskId), basename(file.localPath ?? file.path))
        : file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path)));
      this.stageIn = async (file, context) => {
        const target = localPath(file, context);
        await runRsync('in', file.url, target, rsync, context.signal);
        return new File(file.url, target);
      };
      this.stageOut = async (file, context) => {
        await runRsync('out', file.url, file.localPath!, rsync, context.signal);
        return file;
      };
    } else {
      const step = (exportName: string) => (file: File): InTaskStagingStep => ({
        plugin: { package: '@parsl-ts/staging-rsync/worker', export: exportName, options: { ...rsync } },
        file: { url: file.url },
        ...(workingDir !== undefined ? { workingDir } : {}),
      });
      this.inTaskStageIn = step('rsyncStageIn');
      this.inTaskStageOut = step('rsyncStageOut');
    }
  }

  /** True for `rsync://` files. */
  canStageIn(file: File): boolean {
    return file.scheme === 'rsync';
  }

  /** True for `rsync://` files. */
  canStageOut(file: File): boolean {
    return file.scheme === 'rsync';
  }

  /** Build from plain options (the plugin factory, for config files). */
  static fromOptions(options: Record<string, unknown>): RsyncStaging {
    return new RsyncStaging(options as RsyncStagingOptions);
  }
}

function checkOptions(options: RsyncStagingOptions): RsyncStagingOptions {
  const path = (key: string): string => `staging.rsync.${key}`;
  if (typeof options !== 'object' || options === null) throw new ConfigError('RsyncStaging options must be an object', { path: 'staging.rsync' });
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`unknown option "${key}"`, { path: path(key), hint: `use ${[...OPTION_KEYS].join(', ')}` });
  }
  if (options.mode !== undefined && options.mode !== 'in-task' && options.mode !== 'separate-task') {
    throw new ConfigError(`mode must be 'in-task' or 'separate-task', got ${JSON.stringify(options.mode)}`, { path: path('mode'), hint: "leave it out for 'in-task'" });
  }
  if (options.timeoutSeconds !== undefined && !(Number.isInteger(options.timeoutSeconds) && options.timeoutSeconds > 0)) {
    throw new ConfigError('timeoutSeconds must be a whole number of seconds above 0', { path: path('timeoutSeconds'), hint: `the default is ${DEFAULT_TIMEOUT_SECONDS}` });
  }
  for (const key of ['rsyncOptions', 'sshOptions'] as const) {
    const value = options[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new ConfigError(`${key} must be a list of strings`, { path: path(key), hint: key === 'rsyncOptions' ? "write rsyncOptions: ['--archive', '--compress']" : "write sshOptions: ['-o', 'StrictHostKeyChecking=accept-new']" });
    }
  }
  for (const key of ['workingDir', 'identityFile', 'rsync', 'ssh'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) throw new ConfigError(`${key} must be a non-empty string`, { path: path(key) });
  }
  return { ...options };
}
