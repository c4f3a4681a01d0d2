/**
 * The worker side of `@parsl-ts/staging-http`: what an in-task step names, imported by core's
 * worker code on the node that runs the task. Import it from `@parsl-ts/staging-http/worker`.
 *
 * @packageDocumentation
 * @module @parsl-ts/staging-http/worker
 */
import type { InTaskStagingRunner } from '@parsl-ts/core';
import { download, type DownloadOptions } from './download.js';

export { plugin } from './manifest.js';

/**
 * The in-task stage-in runner: downloads the file to its local path on the worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await httpStageIn({ timeoutSeconds: 30 })({ url: 'https://example.org/x', localPath: '/tmp/x' }, context);
 * ```
 */
export function httpStageIn(options: DownloadOptions = {}): InTaskStagingRunner {
  return (file) => download(file.url, file.localPath, options);
}
