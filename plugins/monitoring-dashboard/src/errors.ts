/**
 * The errors the dashboard raises itself. They are core `ParslError`s (so `instanceof ParslError`,
 * `describe()` and the CLI's printing work) with codes of their own, prefixed `PARSL_DASHBOARD_`,
 * listed in this package's README. Codes are stable and never reused.
 *
 * @module
 */
import { ParslError, type ParslErrorOptions } from '@parsl-ts/core';

/**
 * The codes of the dashboard's errors.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await startDashboard({ database: 'x.db' }); }
 * catch (e) { if ((e as DashboardError).code === DashboardErrorCodes.DatabaseNotFound) console.error('no such file'); }
 * ```
 */
export const DashboardErrorCodes = {
  /** The database file does not exist (or is not a file). */
  DatabaseNotFound: 'PARSL_DASHBOARD_DB_NOT_FOUND',
  /** The file is not SQLite, or is SQLite but not a parsl-ts monitoring database. */
  NotMonitoringDatabase: 'PARSL_DASHBOARD_NOT_MONITORING_DB',
  /** The database was written with a schema version this dashboard does not know. */
  SchemaVersion: 'PARSL_DASHBOARD_SCHEMA_VERSION',
  /** The database exists but cannot be opened or read (permissions, corruption, a lock). */
  DatabaseUnreadable: 'PARSL_DASHBOARD_DB_UNREADABLE',
  /** An option has a value the dashboard cannot use (a port out of range, an unknown option). */
  BadOption: 'PARSL_DASHBOARD_BAD_OPTION',
  /** The server could not listen: the port is taken, or the host is not an address of this machine. */
  Listen: 'PARSL_DASHBOARD_LISTEN',
} as const;

/**
 * One of the {@link DashboardErrorCodes}.
 *
 * @since 0.1.0
 */
export type DashboardErrorCode = (typeof DashboardErrorCodes)[keyof typeof DashboardErrorCodes];

/**
 * An error the dashboard raises: a `ParslError` with one of the {@link DashboardErrorCodes} and
 * a hint that says what to do.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * throw new DashboardError(DashboardErrorCodes.BadOption, 'port must be 0..65535, got 70000', { hint: 'pass --port 8080' });
 * ```
 */
export class DashboardError extends ParslError {
  /** The dashboard's code of this error. */
  declare readonly code: DashboardErrorCode;

  constructor(code: DashboardErrorCode, message: string, options: ParslErrorOptions = {}) {
    super(code, message, options);
  }
}
