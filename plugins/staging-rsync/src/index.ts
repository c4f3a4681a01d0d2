/**
 * @parsl-ts/staging-rsync: stages `rsync://` files in and out of tasks with the rsync program —
 * `rsync:///abs/path` on the machine that runs rsync, `rsync://[user@]host[:port]/abs/path` over
 * ssh — in the task on the worker (as Parsl's RSyncStaging) or in staging tasks of their own.
 *
 * @packageDocumentation
 */
export { RsyncStaging, type RsyncStagingOptions } from './RsyncStaging.js';
export { DEFAULT_TIMEOUT_SECONDS, parseRsyncUrl, rsyncCommand, type RsyncLocation, type RsyncOptions } from './rsyncCommand.js';
export { runRsync } from './runRsync.js';
export { plugin } from './manifest.js';
