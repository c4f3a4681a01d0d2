/**
 * @parsl-ts/executor-threads: the embedded default executor of parsl-ts.
 *
 * @packageDocumentation
 */
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';
export { plugin } from './manifest.js';
