import { readFileSync } from 'node:fs';
import { MonitoringReader } from './database/MonitoringReader.js';
import { resolveDashboardOptions, type DashboardOptions } from './options.js';
import { DashboardServer } from './server/DashboardServer.js';

/**
 * A running dashboard.
 *
 * @since 0.1.0
 */
export interface Dashboard {
  /** The URL to open in a browser. */
  readonly url: string;
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (the chosen one when 0 was asked for). */
  readonly port: number;
  /** Absolute path of the database it reads. */
  readonly database: string;
  /** Its schema version. */
  readonly schemaVersion: number;
  /** Settles when the newest run's charts are computed (at once when `warmUp` is false). */
  readonly warmedUp: Promise<void>;
  /** Stop the server and close the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * This package's version, shown in the UI and by `/api/info`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * console.log(`dashboard ${DASHBOARD_VERSION}`);
 * ```
 */
export const DASHBOARD_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Open a monitoring database read-only and serve the dashboard over it. The database is checked
 * before anything listens: a missing file, a file that is not a parsl-ts monitoring database or
 * a schema version this dashboard does not know is refused with a coded `DashboardError`
 * (`PARSL_DASHBOARD_DB_NOT_FOUND`, `PARSL_DASHBOARD_NOT_MONITORING_DB`,
 * `PARSL_DASHBOARD_SCHEMA_VERSION`); a port in use gives `PARSL_DASHBOARD_LISTEN`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { startDashboard } from '@parsl-ts/monitoring-dashboard';
 *
 * const dashboard = await startDashboard({ database: 'runinfo/monitoring.db', port: 8080 });
 * console.log(`open ${dashboard.url}`);
 * process.once('SIGINT', () => void dashboard.close());
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const resolved = resolveDashboardOptions(options);
  const reader = MonitoringReader.open(resolved.database);
  const server = new DashboardServer(reader, { version: DASHBOARD_VERSION });
  try {
    const url = await server.listen(resolved.host, resolved.port);
    return {
      url, host: resolved.host, port: server.port, database: reader.path, schemaVersion: reader.schemaVersion,
      warmedUp: resolved.warmUp ? server.warmUp() : Promise.resolve(),
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
