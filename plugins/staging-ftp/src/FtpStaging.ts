import { basename, join } from 'node:path';
import { ConfigError, File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { DEFAULT_TIMEOUT_SECONDS, ftpDownload } from './ftpDownload.js';
import { plugin } from './manifest.js';

/**
 * Options of {@link FtpStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface FtpStagingOptions {
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
  /** FTPS: `true` for explicit TLS (AUTH TLS), `'implicit'` for implicit TLS. Default false. */
  readonly secure?: boolean | 'implicit';
}

const OPTION_KEYS = new Set(['mode', 'workingDir', 'timeoutSeconds', 'secure']);

/**
 * Stages `ftp://` inputs into tasks, as Parsl's `FTPInTaskStaging` and `FTPSeparateTaskStaging`.
 * The login is anonymous unless the URL names a user (`ftp://user:password@host/path`). FTP URLs
 * are inputs only: this provider does not stage outputs.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ staging: [new FtpStaging()] });
 * await countLines({ inputs: [new File('ftp://ftp.example.org/pub/data.csv')] });
 * ```
 */
export class FtpStaging implements Staging {
  /** Name for logs and errors: `ftp-in-task` or `ftp-separate-task`. */
  readonly name: string;
  /** The options as given (plain data). */
  readonly options: FtpStagingOptions;
  /** The plugin manifest (core range checked by `loadConfig`). */
  readonly manifest: PluginManifest = plugin;
  /** Separate-task stage-in (separate-task mode only). */
  readonly stageIn?: (file: File, context: StagingContext) => Promise<File>;
  /** In-task stage-in step (in-task mode only). */
  readonly inTaskStageIn?: (file: File) => InTaskStagingStep;

  constructor(options: FtpStagingOptions = {}) {
    this.options = checkOptions(options);
    const mode = this.options.mode ?? 'in-task';
    this.name = `ftp-${mode}`;
    const transfer = { timeoutSeconds: this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, ...(this.options.secure !== undefined ? { secure: this.options.secure } : {}) };
    if (mode === 'separate-task') {
      this.stageIn = async (file, context) => {
        const localPath = this.options.workingDir !== undefined
          ? join(this.options.workingDir, String(context.taskId), basename(file.localPath ?? file.path))
          : file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path));
        await ftpDownload(file.url, localPath, transfer, context.signal);
        return new File(file.url, localPath);
      };
    } else {
      this.inTaskStageIn = (file) => ({
        plugin: { package: '@parsl-ts/staging-ftp/worker', export: 'ftpStageIn', options: transfer },
        file: { url: file.url },
        ...(this.options.workingDir !== undefined ? { workingDir: this.options.workingDir } : {}),
      });
    }
  }

  /** True for `ftp://` files. */
  canStageIn(file: File): boolean {
    return file.scheme === 'ftp';
  }

  /** Always false: FTP URLs are inputs only. */
  canStageOut(_file: File): boolean {
    return false;
  }

  /** Build from plain options (the plugin factory, for config files). */
  static fromOptions(options: Record<string, unknown>): FtpStaging {
    return new FtpStaging(options as FtpStagingOptions);
  }
}

function checkOptions(options: FtpStagingOptions): FtpStagingOptions {
  const path = (key: string): string => `staging.ftp.${key}`;
  if (typeof options !== 'object' || options === null) throw new ConfigError('FtpStaging options must be an object', { path: 'staging.ftp' });
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`unknown option "${key}"`, { path: path(key), hint: `use ${[...OPTION_KEYS].join(', ')}` });
  }
  if (options.mode !== undefined && options.mode !== 'in-task' && options.mode !== 'separate-task') {
    throw new ConfigError(`mode must be 'in-task' or 'separate-task', got ${JSON.stringify(options.mode)}`, { path: path('mode'), hint: "leave it out for 'in-task'" });
  }
  if (options.timeoutSeconds !== undefined && !(typeof options.timeoutSeconds === 'number' && options.timeoutSeconds > 0)) {
    throw new ConfigError('timeoutSeconds must be a positive number', { path: path('timeoutSeconds'), hint: `the default is ${DEFAULT_TIMEOUT_SECONDS}` });
  }
  if (options.workingDir !== undefined && (typeof options.workingDir !== 'string' || options.workingDir.length === 0)) {
    throw new ConfigError('workingDir must be a non-empty path', { path: path('workingDir') });
  }
  if (options.secure !== undefined && options.secure !== true && options.secure !== false && options.secure !== 'implicit') {
    throw new ConfigError("secure must be true, false or 'implicit'", { path: path('secure') });
  }
  return { ...options };
}
