import { DashboardError, DashboardErrorCodes } from './errors.js';

/**
 * Options of {@link startDashboard} (plain data, as `parsl-ts visualize` passes them).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: DashboardOptions = { database: 'runinfo/monitoring.db', port: 8080 };
 * ```
 */
export interface DashboardOptions {
  /** Path of the monitoring database written by `@parsl-ts/monitoring-sqlite`. */
  readonly database: string;
  /** Address to listen on. Default `127.0.0.1`: only this machine can connect. */
  readonly host?: string | undefined;
  /** TCP port. Default 8080; 0 picks a free port (the URL says which). */
  readonly port?: number | undefined;
  /**
   * Compute the newest run's charts right after start, so its page opens fast. Default true;
   * false leaves every answer to be computed on first request.
   */
  readonly warmUp?: boolean | undefined;
}

/**
 * The options with their defaults applied.
 *
 * @since 0.1.0
 */
export interface ResolvedDashboardOptions {
  /** Path of the database. */
  readonly database: string;
  /** Address to listen on. */
  readonly host: string;
  /** TCP port (0: any free one). */
  readonly port: number;
  /** Whether to warm the newest run's answers up after start. */
  readonly warmUp: boolean;
}

/**
 * The port `parsl-ts visualize` listens on when none is given (Parsl's `parsl-visualize` uses 8080 too).
 *
 * @since 0.1.0
 */
export const DEFAULT_PORT = 8080;

/**
 * The address the dashboard listens on when none is given: loopback only.
 *
 * @since 0.1.0
 */
export const DEFAULT_HOST = '127.0.0.1';

const KNOWN = new Set(['database', 'host', 'port', 'warmUp']);

/**
 * Check the options and apply the defaults; throws `PARSL_DASHBOARD_BAD_OPTION` naming the option.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * resolveDashboardOptions({ database: 'monitoring.db' }); // { database: 'monitoring.db', host: '127.0.0.1', port: 8080, warmUp: true }
 * ```
 */
export function resolveDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  const bad = (message: string, hint: string): never => {
    throw new DashboardError(DashboardErrorCodes.BadOption, message, { hint });
  };
  if (typeof options !== 'object' || options === null) bad('the dashboard options must be an object', 'pass { database: "runinfo/monitoring.db" }');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) bad(`unknown dashboard option "${key}"`, `the options are ${[...KNOWN].join(', ')}`);
  }
  if (typeof options.database !== 'string' || options.database.trim() === '') {
    bad('the dashboard needs the path of a monitoring database', 'pass --db runinfo/monitoring.db (the file MonitoringHub writes)');
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    bad(`port must be a whole number from 0 to 65535, got ${String(options.port)}`, 'e.g. --port 8080, or --port 0 for any free port');
  }
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host.trim() === '' || /[\s/]/.test(host)) {
    bad(`host must be an address or host name, got ${JSON.stringify(options.host)}`, 'e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)');
  }
  if (options.warmUp !== undefined && typeof options.warmUp !== 'boolean') bad(`warmUp must be true or false, got ${JSON.stringify(options.warmUp)}`, 'leave it out for true');
  return { database: options.database, host, port, warmUp: options.warmUp ?? true };
}
