/**
 * What the dashboard knows about the monitoring database of `@parsl-ts/monitoring-sqlite`
 * (documented in docs/monitoring/schema.md): how a parsl-ts database is recognised and which
 * schema versions this dashboard can read.
 *
 * @module
 */

/**
 * `PRAGMA application_id` of every parsl-ts monitoring database: the bytes `PTSM`.
 *
 * @since 0.1.0
 */
export const MONITORING_APPLICATION_ID = 0x5054534d;

/**
 * The schema versions (`PRAGMA user_version`) this dashboard reads.
 *
 * @since 0.1.0
 */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

/**
 * Tables and the columns the dashboard reads from each: a database that lacks one is refused at
 * start rather than failing on the first page that needs it.
 *
 * @since 0.1.0
 */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  workflow: ['run_id', 'name', 'user', 'host', 'run_dir', 'core_version', 'time_began', 'time_completed', 'status', 'tasks_completed', 'tasks_failed'],
  task: ['run_id', 'task_id', 'app_name', 'app_kind', 'executor', 'dependencies', 'stdout', 'stderr', 'time_submitted', 'state', 'time_state', 'time_completed', 'tries', 'error'],
  try: ['run_id', 'task_id', 'try_id', 'executor', 'time_launched', 'time_started', 'time_ended', 'time_returned', 'host', 'block_id', 'manager_id', 'error'],
  status: ['run_id', 'seq', 'task_id', 'try_id', 'state', 'time', 'executor', 'error'],
  block: ['run_id', 'executor', 'block_id', 'job_id', 'state', 'message', 'time'],
  node: ['run_id', 'executor', 'block_id', 'manager_id', 'hostname', 'workers', 'active', 'time'],
  resource: ['run_id', 'task_id', 'try_id', 'time', 'pid', 'cpu_user_seconds', 'cpu_system_seconds', 'rss_bytes', 'read_bytes', 'write_bytes'],
};
