import {
  checkDownloadStagingOptions, ConfigError, downloadStagingHooks,
  type DownloadStagingOptions, type File, type InTaskStagingStep, type PluginManifest, type Staging, type StagingContext,
} from '@parsl-ts/core';
import { DEFAULT_TIMEOUT_SECONDS, ftpDownload } from './ftpDownload.js';
import { plugin } from './manifest.js';

/**
 * Options of {@link FtpStaging}: plain data, so that in-task steps can carry them to workers.
 *
 * @since 0.1.0
 */
export interface FtpStagingOptions extends DownloadStagingOptions {
  /** FTPS: `true` for explicit TLS (AUTH TLS), `'implicit'` for implicit TLS. Default false. */
  readonly secure?: boolean | 'implicit';
}

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
    const transfer = { timeoutSeconds: this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, ...(this.options.secure !== undefined ? { secure: this.options.secure } : {}) };
    const hooks = downloadStagingHooks({
      scheme: 'ftp', options: this.options,
      download: (url, localPath, signal) => ftpDownload(url, localPath, transfer, signal),
      worker: { package: '@parsl-ts/staging-ftp/worker', export: 'ftpStageIn', options: transfer },
    });
    this.name = hooks.name;
    if (hooks.stageIn) this.stageIn = hooks.stageIn;
    if (hooks.inTaskStageIn) this.inTaskStageIn = hooks.inTaskStageIn;
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

function checkOptions(given: FtpStagingOptions): FtpStagingOptions {
  const options = checkDownloadStagingOptions(given, { className: 'FtpStaging', section: 'ftp', extraKeys: ['secure'] });
  if (options.secure !== undefined && options.secure !== true && options.secure !== false && options.secure !== 'implicit') {
    throw new ConfigError("secure must be true, false or 'implicit'", { path: 'staging.ftp.secure' });
  }
  return options;
}
