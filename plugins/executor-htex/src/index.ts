/**
 * @parsl-ts/executor-htex: the HighThroughputExecutor of parsl-ts.
 *
 * @packageDocumentation
 */
export { HighThroughputExecutor, type HighThroughputExecutorOptions } from './HighThroughputExecutor.js';
export type { ManagerStats } from './protocol/messages.js';
export { plugin } from './manifest.js';
