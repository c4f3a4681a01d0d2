import { ParslError, type ParslErrorOptions } from '@parsl-ts/core';

/**
 * The error codes of `@parsl-ts/monitoring-sqlite` (listed with their fixes in its README).
 *
 * @since 0.1.0
 */
export const MonitoringErrorCodes = {
  /** The options given to `MonitoringHub` or a radio are invalid. */
  Options: 'PARSL_MONITORING_OPTIONS',
  /** The database file exists but is not a parsl-ts monitoring database. */
  NotParslDatabase: 'PARSL_MONITORING_NOT_PARSL_DB',
  /** The database was written by a newer parsl-ts whose schema this version does not know. */
  SchemaNewer: 'PARSL_MONITORING_SCHEMA_NEWER',
  /** The database could not be opened or created (permissions, missing folder, disk full). */
  DatabaseOpen: 'PARSL_MONITORING_DB_OPEN',
  /** The database writer stopped (SQLite error while writing); records after that are lost. */
  Writer: 'PARSL_MONITORING_WRITER',
  /** The UDP listener could not bind its address. */
  UdpBind: 'PARSL_MONITORING_UDP_BIND',
  /** A radio could not deliver everything before its close() bound. */
  Undelivered: 'PARSL_MONITORING_UNDELIVERED',
} as const;

/** One of the {@link MonitoringErrorCodes}. */
export type MonitoringErrorCode = (typeof MonitoringErrorCodes)[keyof typeof MonitoringErrorCodes];

/**
 * An error of the monitoring hub, its database or its radios. `code` is one of
 * {@link MonitoringErrorCodes}; `hint` says what to do.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await hub.start({ runId, runDir }); } catch (e) {
 *   if (e instanceof MonitoringError && e.code === 'PARSL_MONITORING_SCHEMA_NEWER') console.error(e.hint);
 * }
 * ```
 */
export class MonitoringError extends ParslError {
  constructor(code: MonitoringErrorCode, message: string, options: ParslErrorOptions = {}) {
    super(code, message, options);
  }
}
