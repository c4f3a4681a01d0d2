/**
 * The worker side of `@parsl-ts/staging-rsync`: what in-task steps name, imported by core's worker
 * code on the node that runs the task. Import it from `@parsl-ts/staging-rsync/worker`.
 *
 * @packageDocumentation
 * @module @parsl-ts/staging-rsync/worker
 */
import type { InTaskStagingRunner } from '@parsl-ts/core';
import type { RsyncOptions } from './rsyncCommand.js';
import { runRsync } from './runRsync.js';

export { plugin } from './manifest.js';

/**
 * The in-task stage-in runner: rsync from the URL to the local path on the worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await rsyncStageIn({})({ url: 'rsync:///data/in.txt', localPath: '/tmp/t/in.txt' }, context);
 * ```
 */
export function rsyncStageIn(options: RsyncOptions = {}): InTaskStagingRunner {
  return (file) => runRsync('in', file.url, file.localPath, options);
}

/**
 * The in-task stage-out runner: rsync from the local path on the worker to the URL.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await rsyncStageOut({})({ url: 'rsync:///archive/out.txt', localPath: '/tmp/t/out.txt' }, context);
 * ```
 */
export function rsyncStageOut(options: RsyncOptions = {}): InTaskStagingRunner {
  return (file) => runRsync('out', file.url, file.localPath, options);
}
