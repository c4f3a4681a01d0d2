import { basename, join } from 'node:path';
import { ConfigError, File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { DEFAULT_TIMEOUT_SECONDS, download } from './download.js';
import { plugin } from './manifest.js';

/**
 * Options of {@link HttpStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface HttpStagingOptions {
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
  /** Extra request headers (e.g. `Authorization`); in-task mode carries them to the workers. */
  readonly headers?: Readonly<Record<string, string>>;
}

const OPTION_KEYS = new Set(['mode', 'workingDir', 'timeoutSeconds', 'headers']);

/**
 * Stages `http://` and `https://` inputs into tasks, as Parsl's `HTTPInTaskStaging` and
 * `HTTPSeparateTaskStaging`. Put it in the config's `staging` list; tasks then get the file at
 * its `filepath`. HTTP(S) URLs are inputs only: this provider does not stage outputs.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ staging: [new HttpStaging()] });
 * const lines = app((o: { inputs: File[] }) => readFileSync(o.inputs[0].filepath, 'utf8').split('\n').length);
 * await lines({ inputs: [new File('https://example.org/data.csv')] });
 * ```
 */
export class HttpStaging implements Staging {
  /** Name for logs and errors: `http-in-task` or `http-separate-task`. */
  readonly name: string;
  /** The options as given (plain data). */
  readonly options: HttpStagingOptions;
  /** The plugin manifest (core range checked by `loadConfig`). */
  readonly manifest: PluginManifest = plugin;
  /** Separate-task stage-in (separate-task mode only). */
  readonly stageIn?: (file: File, context: StagingContext) => Promise<File>;
  /** In-task stage-in step (in-task mode only). */
  readonly inTaskStageIn?: (file: File) => InTaskStagingStep;

  constructor(options: HttpStagingOptions = {}) {
    this.options = checkOptions(options);
    const mode = this.options.mode ?? 'in-task';
    this.name = `http-${mode}`;
    const transfer = { timeoutSeconds: this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, ...(this.options.headers ? { headers: { ...this.options.headers } } : {}) };
    if (mode === 'separate-task') {
      this.stageIn = async (file, context) => {
        const localPath = this.options.workingDir !== undefined
          ? join(this.options.workingDir, String(context.taskId), basename(file.localPath ?? file.path))
          : file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path));
        await download(file.url, localPath, transfer, context.signal);
        return new File(file.url, localPath);
      };
    } else {
      this.inTaskStageIn = (file) => ({
        plugin: { package: '@parsl-ts/staging-http/worker', export: 'httpStageIn', options: transfer },
        file: { url: file.url },
        ...(this.options.workingDir !== undefined ? { workingDir: this.options.workingDir } : {}),
      });
    }
  }

  /** True for `http://` and `https://` files. */
  canStageIn(file: File): boolean {
    return file.scheme === 'http' || file.scheme === 'https';
  }

  /** Always false: HTTP URLs are inputs only. */
  canStageOut(_file: File): boolean {
    return false;
  }

  /** Build from plain options (the plugin factory, for config files). */
  static fromOptions(options: Record<string, unknown>): HttpStaging {
    return new HttpStaging(options as HttpStagingOptions);
  }
}

function checkOptions(options: HttpStagingOptions): HttpStagingOptions {
  const path = (key: string): string => `staging.http.${key}`;
  if (typeof options !== 'object' || options === null) throw new ConfigError('HttpStaging options must be an object', { path: 'staging.http' });
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
  if (options.headers !== undefined && (typeof options.headers !== 'object' || options.headers === null || Object.values(options.headers).some((v) => typeof v !== 'string'))) {
    throw new ConfigError('headers must map header names to strings', { path: path('headers'), hint: "write headers: { Authorization: 'Bearer ...' }" });
  }
  return { ...options };
}
