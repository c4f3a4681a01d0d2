/**
 * The worker side of `@parsl-ts/staging-zip`: what in-task steps name, imported by core's worker
 * code on the node that runs the task. Import it from `@parsl-ts/staging-zip/worker`.
 *
 * @packageDocumentation
 * @module @parsl-ts/staging-zip/worker
 */
import type { InTaskStagingRunner } from '@parsl-ts/core';
import { addToZip, extractFromZip, type ZipWriteOptions } from './zipFiles.js';

export { plugin } from './manifest.js';

/**
 * The in-task stage-in runner: extracts the entry to the local path on the worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await zipStageIn()({ url: 'zip:///data/in.zip/a.csv', localPath: '/tmp/t/a.csv' }, context);
 * ```
 */
export function zipStageIn(): InTaskStagingRunner {
  return (file) => extractFromZip(file.url, file.localPath);
}

/**
 * The in-task stage-out runner: adds the local file on the worker to the archive.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await zipStageOut({ lockTimeoutSeconds: 30 })({ url: 'zip:///out/run.zip/a.txt', localPath: '/tmp/t/a.txt' }, context);
 * ```
 */
export function zipStageOut(options: ZipWriteOptions = {}): InTaskStagingRunner {
  return (file) => addToZip(file.url, file.localPath, options);
}
