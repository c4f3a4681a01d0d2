/**
 * The worker side of `@parsl-ts/staging-ftp`: what an in-task step names, imported by core's
 * worker code on the node that runs the task. Import it from `@parsl-ts/staging-ftp/worker`.
 *
 * @packageDocumentation
 * @module @parsl-ts/staging-ftp/worker
 */
import type { InTaskStagingRunner } from '@parsl-ts/core';
import { ftpDownload, type FtpDownloadOptions } from './ftpDownload.js';

export { plugin } from './manifest.js';

/**
 * The in-task stage-in runner: downloads the file to its local path on the worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await ftpStageIn({ timeoutSeconds: 30 })({ url: 'ftp://ftp.example.org/pub/x', localPath: '/tmp/x' }, context);
 * ```
 */
export function ftpStageIn(options: FtpDownloadOptions = {}): InTaskStagingRunner {
  return (file) => ftpDownload(file.url, file.localPath, options);
}
