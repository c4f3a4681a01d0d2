/**
 * @parsl-ts/executor-taskvine: Parsl's TaskVineExecutor for parsl-ts. Tasks become tasks of the
 * real cctools manager (TaskVine, or Work Queue), hosted in a Python sidecar.
 *
 * @packageDocumentation
 */
export { TaskVineExecutor } from './TaskVineExecutor.js';
export type { TaskVineExecutorOptions } from './TaskVineExecutorOptions.js';
export type { WorkerFactoryOptions } from './factory/WorkerFactory.js';
export { TaskVineError, TaskVineErrorCodes, type TaskVineErrorCode } from './TaskVineError.js';
export { SIDECAR_PROTOCOL_VERSION, type Backend, type SidecarStats } from './sidecar/protocol.js';
export { plugin } from './manifest.js';
