import { basename, join } from 'node:path';
import { File } from '../data/File.js';
import { ConfigError } from '../errors/usageErrors.js';
import type { PluginDescriptor } from '../interfaces/Serializer.js';
import type { InTaskStagingStep, StagingContext } from '../interfaces/Staging.js';

/**
 * The default bound, in seconds, on a server that sends nothing during a download.
 *
 * @since 0.1.1
 */
export const DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 60;

/**
 * The options every download staging provider (HTTP, FTP, ...) shares, as Parsl's
 * `*InTaskStaging` / `*SeparateTaskStaging` pairs: plain data, so that in-task steps can carry
 * them to workers.
 *
 * @since 0.1.1
 */
export interface DownloadStagingOptions {
  /**
   * `in-task` (default, as Parsl's default config): the worker downloads the file inside the task,
   * where the data is needed. `separate-task`: a staging task downloads it on the submit side
   * before the app runs, into a folder the workers must see (the same machine or a shared
   * filesystem).
   */
  readonly mode?: 'in-task' | 'separate-task';
  /**
   * Where downloaded files go. In-task: the folder in which each task gets a working directory of
   * its own on the worker (default: the worker's temporary folder); separate-task: the folder in
   * which each task gets a subfolder (default: `<runDir>/staging/<taskId>`).
   */
  readonly workingDir?: string;
  /** Give up when a server sends nothing for this many seconds. Default 60. */
  readonly timeoutSeconds?: number;
}

/**
 * How {@link checkDownloadStagingOptions} names a provider in its errors.
 *
 * @since 0.1.1
 */
export interface DownloadStagingNames {
  /** The class, for "`<className>` options must be an object", e.g. `HttpStaging`. */
  readonly className: string;
  /** The config section under `staging.`, for error paths, e.g. `http` gives `staging.http.mode`. */
  readonly section: string;
  /** The option names the provider adds to {@link DownloadStagingOptions} (it checks their values itself). */
  readonly extraKeys: readonly string[];
}

/**
 * Check the shared options of a download staging provider: an object, no unknown keys, a known
 * `mode`, a positive `timeoutSeconds`, a non-empty `workingDir`. Throws a ConfigError with the
 * option's path and a hint; returns a copy, so that later changes by the caller do not leak in.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const options = checkDownloadStagingOptions(given, { className: 'FtpStaging', section: 'ftp', extraKeys: ['secure'] });
 * ```
 */
export function checkDownloadStagingOptions<O extends DownloadStagingOptions>(options: O, names: DownloadStagingNames): O {
  const path = (key: string): string => `staging.${names.section}.${key}`;
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`${names.className} options must be an object`, { path: `staging.${names.section}` });
  }
  const known = ['mode', 'workingDir', 'timeoutSeconds', ...names.extraKeys];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigError(`unknown option "${key}"`, { path: path(key), hint: `use ${known.join(', ')}` });
  }
  if (options.mode !== undefined && options.mode !== 'in-task' && options.mode !== 'separate-task') {
    throw new ConfigError(`mode must be 'in-task' or 'separate-task', got ${JSON.stringify(options.mode)}`, { path: path('mode'), hint: "leave it out for 'in-task'" });
  }
  if (options.timeoutSeconds !== undefined && !(typeof options.timeoutSeconds === 'number' && options.timeoutSeconds > 0)) {
    throw new ConfigError('timeoutSeconds must be a positive number', { path: path('timeoutSeconds'), hint: `the default is ${DEFAULT_DOWNLOAD_TIMEOUT_SECONDS}` });
  }
  if (options.workingDir !== undefined && (typeof options.workingDir !== 'string' || options.workingDir.length === 0)) {
    throw new ConfigError('workingDir must be a non-empty path', { path: path('workingDir') });
  }
  return { ...options };
}

/**
 * Where a separate-task download puts a file on the submit side: under `<workingDir>/<taskId>/`
 * when the provider was given a folder; else where the file says (`file.localPath`), or in the
 * task's staging folder (`context.workingDir`, or the run directory without one). The name is the
 * last segment of the file's path.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * separateTaskDownloadPath(new File('https://h/x.csv'), context, '/shared/in'); // '/shared/in/7/x.csv' for task 7
 * ```
 */
export function separateTaskDownloadPath(file: File, context: StagingContext, workingDir?: string): string {
  if (workingDir !== undefined) return join(workingDir, String(context.taskId), basename(file.localPath ?? file.path));
  return file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path));
}

/**
 * What a download staging provider is made of, for {@link downloadStagingHooks}.
 *
 * @since 0.1.1
 */
export interface DownloadStagingSpec {
  /** The scheme's word in the provider's name: `http` gives `http-in-task` / `http-separate-task`. */
  readonly scheme: string;
  /** The provider's checked options (`mode` and `workingDir` are used here). */
  readonly options: DownloadStagingOptions;
  /** Download `url` to `localPath` on the submit side (separate-task mode); stop when `signal` aborts. */
  readonly download: (url: string, localPath: string, signal: AbortSignal) => Promise<void>;
  /** The worker-side runner an in-task step names (its `options` are plain data). */
  readonly worker: PluginDescriptor;
}

/**
 * The mode-dependent parts of a `Staging` provider that downloads its inputs: a `name`, and
 * either a separate-task `stageIn` (downloads on the submit side, see
 * {@link separateTaskDownloadPath}) or an in-task `inTaskStageIn` (names the worker-side runner).
 *
 * @since 0.1.1
 */
export interface DownloadStagingHooks {
  /** `<scheme>-in-task` or `<scheme>-separate-task`. */
  readonly name: string;
  /** Separate-task stage-in (separate-task mode only). */
  readonly stageIn?: (file: File, context: StagingContext) => Promise<File>;
  /** In-task stage-in step (in-task mode only). */
  readonly inTaskStageIn?: (file: File) => InTaskStagingStep;
}

/**
 * Build the mode-dependent parts of a download staging provider (see {@link DownloadStagingHooks}),
 * so that HTTP, FTP and other download schemes behave the same in both modes.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const hooks = downloadStagingHooks({
 *   scheme: 'ftp', options,
 *   download: (url, localPath, signal) => ftpDownload(url, localPath, transfer, signal),
 *   worker: { package: '@parsl-ts/staging-ftp/worker', export: 'ftpStageIn', options: transfer },
 * });
 * ```
 */
export function downloadStagingHooks(spec: DownloadStagingSpec): DownloadStagingHooks {
  const mode = spec.options.mode ?? 'in-task';
  const workingDir = spec.options.workingDir;
  const name = `${spec.scheme}-${mode}`;
  if (mode === 'separate-task') {
    return {
      name,
      stageIn: async (file, context) => {
        const localPath = separateTaskDownloadPath(file, context, workingDir);
        await spec.download(file.url, localPath, context.signal);
        return new File(file.url, localPath);
      },
    };
  }
  return {
    name,
    inTaskStageIn: (file) => ({
      plugin: spec.worker,
      file: { url: file.url },
      ...(workingDir !== undefined ? { workingDir } : {}),
    }),
  };
}
