import { basename, join } from 'node:path';
import { ConfigError, File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { plugin } from './manifest.js';
import { addToZip, DEFAULT_LOCK_TIMEOUT_SECONDS, extractFromZip } from './zipFiles.js';

/**
 * Options of {@link ZipStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface ZipStagingOptions {
  /**
   * `in-task` (default, as Parsl's ZipFileStaging): the worker reads and writes the archive inside
   * the task, so the archive must be on a filesystem the workers see. `separate-task`: staging
   * tasks of their own read and write it on the submit side; the files pass through a folder the
   * workers must see (the same machine or a shared filesystem).
   */
  readonly mode?: 'in-task' | 'separate-task';
  /**
   * Where staged files go. In-task: the folder in which each task gets a working directory of its
   * own on the worker (default: the worker's temporary folder); separate-task: the folder in which
   * each task gets a subfolder (default: `<runDir>/staging/<taskId>`).
   */
  readonly workingDir?: string;
  /** How long a stage-out waits for another writer of the same archive, in seconds. Default 60. */
  readonly lockTimeoutSeconds?: number;
}

const OPTION_KEYS = new Set(['mode', 'workingDir', 'lockTimeoutSeconds']);

/**
 * Stages task outputs into zip archives and inputs out of them: `zip:///abs/archive.zip/inner/path`
 * names the file `inner/path` inside `/abs/archive.zip`, as in Parsl's zip staging. Many tasks may
 * write into one archive: writers take turns through a lock file and each write replaces the
 * archive in one rename. Useful on filesystems that dislike many small files.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ staging: [new ZipStaging()] });
 * await Promise.all(range(100).map((i) => simulate(i, { outputs: [new File(`zip:///scratch/run.zip/out/${i}.json`)] }).outputs[0]));
 * ```
 */
export class ZipStaging implements Staging {
  /** Name for logs and errors: `zip-in-task` or `zip-separate-task`. */
  readonly name: string;
  /** The options as given (plain data). */
  readonly options: ZipStagingOptions;
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

  constructor(options: ZipStagingOptions = {}) {
    this.options = checkOptions(options);
    const { mode = 'in-task', workingDir } = this.options;
    const write = { lockTimeoutSeconds: this.options.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS };
    this.name = `zip-${mode}`;
    if (mode === 'separate-task') {
      this.stageIn = async (file, context) => {
        const localPath = workingDir !== undefined
          ? join(workingDir, String(context.taskId), basename(file.localPath ?? file.path))
          : file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path));
        await extractFromZip(file.url, localPath);
        return new File(file.url, localPath);
      };
      this.stageOut = async (file) => {
        await addToZip(file.url, file.localPath!, write);
        return file;
      };
    } else {
      const step = (exportName: string, options: Record<string, unknown>) => (file: File): InTaskStagingStep => ({
        plugin: { package: '@parsl-ts/staging-zip/worker', export: exportName, options },
        file: { url: file.url },
        ...(workingDir !== undefined ? { workingDir } : {}),
      });
      this.inTaskStageIn = step('zipStageIn', {});
      this.inTaskStageOut = step('zipStageOut', write);
    }
  }

  /** True for `zip://` files. */
  canStageIn(file: File): boolean {
    return file.scheme === 'zip';
  }

  /** True for `zip://` files. */
  canStageOut(file: File): boolean {
    return file.scheme === 'zip';
  }

  /** Build from plain options (the plugin factory, for config files). */
  static fromOptions(options: Record<string, unknown>): ZipStaging {
    return new ZipStaging(options as ZipStagingOptions);
  }
}

function checkOptions(options: ZipStagingOptions): ZipStagingOptions {
  const path = (key: string): string => `staging.zip.${key}`;
  if (typeof options !== 'object' || options === null) throw new ConfigError('ZipStaging options must be an object', { path: 'staging.zip' });
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`unknown option "${key}"`, { path: path(key), hint: `use ${[...OPTION_KEYS].join(', ')}` });
  }
  if (options.mode !== undefined && options.mode !== 'in-task' && options.mode !== 'separate-task') {
    throw new ConfigError(`mode must be 'in-task' or 'separate-task', got ${JSON.stringify(options.mode)}`, { path: path('mode'), hint: "leave it out for 'in-task'" });
  }
  if (options.lockTimeoutSeconds !== undefined && !(typeof options.lockTimeoutSeconds === 'number' && options.lockTimeoutSeconds > 0)) {
    throw new ConfigError('lockTimeoutSeconds must be a positive number', { path: path('lockTimeoutSeconds'), hint: `the default is ${DEFAULT_LOCK_TIMEOUT_SECONDS}` });
  }
  if (options.workingDir !== undefined && (typeof options.workingDir !== 'string' || options.workingDir.length === 0)) {
    throw new ConfigError('workingDir must be a non-empty path', { path: path('workingDir') });
  }
  return { ...options };
}
