/**
 * @parsl-ts/monitoring-sqlite: the MonitoringHub of parsl-ts — every workflow, task, try, state
 * transition, block, node and resource sample in SQLite, carried by in-process, UDP, filesystem
 * and HTEX radios.
 *
 * @packageDocumentation
 */
export { MonitoringHub, type MonitoringHubOptions, type RadioKind } from './MonitoringHub.js';
export { MonitoringError, MonitoringErrorCodes, type MonitoringErrorCode } from './MonitoringError.js';
export { InProcessRadio } from './radios/InProcessRadio.js';
export { unpackRecords, type RecordBatch } from './radios/RecordBatch.js';
export { UdpRadio, type UdpRadioOptions } from './radios/UdpRadio.js';
export { FilesystemRadio, type FilesystemRadioOptions } from './radios/FilesystemRadio.js';
export { APPLICATION_ID, SCHEMA_VERSION, migrate, schemaVersion } from './schema/migrate.js';
export { sampleProcessTree, usageSince, type TreeUsage } from '@parsl-ts/core/worker';
export type { WriterTotals } from './writer/WriterThread.js';
export { plugin } from './manifest.js';
