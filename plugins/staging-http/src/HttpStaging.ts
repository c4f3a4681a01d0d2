import {
  checkDownloadStagingOptions, ConfigError, downloadStagingHooks,
  type DownloadStagingOptions, type File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext,
} from '@parsl-ts/core';
import { DEFAULT_TIMEOUT_SECONDS, download } from './download.js';
import { plugin } from './manifest.js';

/**
 * Options of {@link HttpStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface HttpStagingOptions extends DownloadStagingOptions {
  /** Extra request headers (e.g. `Authorization`); in-task mode carries them to the workers. */
  readonly headers?: Readonly<Record<string, string>>;
}

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
    const transfer = { timeoutSeconds: this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, ...(this.options.headers ? { headers: { ...this.options.headers } } : {}) };
    const hooks = downloadStagingHooks({
      scheme: 'http', options: this.options,
      download: (url, localPath, signal) => download(url, localPath, transfer, signal),
      worker: { package: '@parsl-ts/staging-http/worker', export: 'httpStageIn', options: transfer },
    });
    this.name = hooks.name;
    if (hooks.stageIn) this.stageIn = hooks.stageIn;
    if (hooks.inTaskStageIn) this.inTaskStageIn = hooks.inTaskStageIn;
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

function checkOptions(given: HttpStagingOptions): HttpStagingOptions {
  const options = checkDownloadStagingOptions(given, { className: 'HttpStaging', section: 'http', extraKeys: ['headers'] });
  if (options.headers !== undefined && (typeof options.headers !== 'object' || options.headers === null || Object.values(options.headers).some((v) => typeof v !== 'string'))) {
    throw new ConfigError('headers must map header names to strings', { path: 'staging.http.headers', hint: "write headers: { Authorization: 'Bearer ...' }" });
  }
  return options;
}
