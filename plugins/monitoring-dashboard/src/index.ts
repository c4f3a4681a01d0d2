/**
 * @parsl-ts/monitoring-dashboard: a web dashboard over the monitoring database written by
 * `@parsl-ts/monitoring-sqlite` — workflows, tasks by state over time, a timeline per
 * executor/block, a filterable task table with each task's tries, errors and output paths, and
 * resource plots per task and per app. `parsl-ts visualize` starts it.
 *
 * @packageDocumentation
 */
export { startDashboard, DASHBOARD_VERSION, type Dashboard } from './startDashboard.js';
export { DEFAULT_HOST, DEFAULT_PORT, resolveDashboardOptions, type DashboardOptions, type ResolvedDashboardOptions } from './options.js';
export { DashboardError, DashboardErrorCodes, type DashboardErrorCode } from './errors.js';
export { DEFAULT_STATE_BUCKETS, MonitoringReader, type TimelineQuery } from './database/MonitoringReader.js';
export { openMonitoringDatabase, type OpenedMonitoringDatabase } from './database/openMonitoringDatabase.js';
export { MONITORING_APPLICATION_ID, REQUIRED_COLUMNS, SUPPORTED_SCHEMA_VERSIONS } from './database/schema.js';
export { DashboardServer } from './server/DashboardServer.js';
export { TASK_SORTS, type TaskQuery, type TaskSort } from './queries/tasks.js';
export type * from './api/types.js';
export { plugin } from './manifest.js';
