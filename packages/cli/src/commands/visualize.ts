/**
 * `parsl-ts visualize`: serve the monitoring dashboard over a monitoring database. The dashboard
 * is a separate, optional package (`@parsl-ts/monitoring-dashboard`, with a web server, SQLite
 * and a chart library): the CLI never depends on it, it loads it when this command runs — from
 * the working directory's installation first, then from next to the CLI — and says how to
 * install it when it is not there.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, CliErrorCodes } from '../errors.js';

/**
 * The package that provides the dashboard.
 *
 * @since 0.1.0
 */
export const DASHBOARD_PACKAGE = '@parsl-ts/monitoring-dashboard';

/**
 * Options of {@link visualizeCommand} (the command's flags).
 *
 * @since 0.1.0
 */
export interface VisualizeOptions {
  /** The monitoring database (default `runinfo/monitoring.db`). */
  readonly db: string;
  /** Port to listen on (0: any free port). */
  readonly port: number;
  /** Address to listen on. */
  readonly host: string;
}

/**
 * What the CLI uses of `@parsl-ts/monitoring-dashboard` (its `startDashboard`).
 *
 * @since 0.1.0
 */
export interface DashboardModule {
  /** Check the database, listen, and return the running dashboard. */
  startDashboard(options: { database: string; host?: string; port?: number }): Promise<{
    readonly url: string; readonly database: string; readonly schemaVersion: number; close(): Promise<void>;
  }>;
}

function isMissing(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND') && (e.message ?? '').includes(specifier);
}

/**
 * Load `@parsl-ts/monitoring-dashboard` as code in `dir` would import it, else the copy next to
 * the CLI. Throws `PARSL_CLI_DASHBOARD_MISSING` (with the install command) when neither has it,
 * and `PARSL_CLI_DASHBOARD_LOAD` when it is installed but cannot be loaded.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { startDashboard } = await loadDashboard(process.cwd());
 * ```
 */
export async function loadDashboard(dir: string = process.cwd()): Promise<DashboardModule> {
  let url: string | undefined;
  try {
    url = pathToFileURL(createRequire(join(resolve(dir), '__parsl_ts_cli__.js')).resolve(DASHBOARD_PACKAGE)).href;
  } catch {
    try {
      url = import.meta.resolve(DASHBOARD_PACKAGE);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined) {
    throw new CliError(CliErrorCodes.DashboardMissing,
      `parsl-ts visualize needs ${DASHBOARD_PACKAGE}, which is not installed here (looked from ${resolve(dir)} and next to the CLI)`,
      `install it: npm install --save-dev ${DASHBOARD_PACKAGE}`);
  }
  let module: Partial<DashboardModule>;
  try {
    module = (await import(url)) as Partial<DashboardModule>;
  } catch (cause) {
    if (isMissing(cause, DASHBOARD_PACKAGE)) {
      throw new CliError(CliErrorCodes.DashboardMissing, `parsl-ts visualize needs ${DASHBOARD_PACKAGE}, which is not installed here`,
        `install it: npm install --save-dev ${DASHBOARD_PACKAGE}`, { cause });
    }
    throw new CliError(CliErrorCodes.DashboardLoad, `${DASHBOARD_PACKAGE} is installed but could not be loaded: ${(cause as Error).message?.split('\n')[0] ?? String(cause)}`,
      `reinstall it (npm install --save-dev ${DASHBOARD_PACKAGE}); its SQLite module better-sqlite3 is compiled at install: set npm_config_nodedir=/usr where Node comes from your distribution`, { cause });
  }
  if (typeof module.startDashboard !== 'function') {
    throw new CliError(CliErrorCodes.DashboardLoad, `${DASHBOARD_PACKAGE} at ${url} has no startDashboard export`,
      `install a version that has it: npm install --save-dev ${DASHBOARD_PACKAGE}@latest`);
  }
  return module as DashboardModule;
}

/**
 * Check the flags; throws `PARSL_CLI_BAD_OPTION` naming the flag.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * validateVisualizeOptions({ db: 'runinfo/monitoring.db', port: 8080, host: '127.0.0.1' });
 * ```
 */
export function validateVisualizeOptions(options: VisualizeOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new CliError(CliErrorCodes.BadOption, `--port must be a whole number from 0 to 65535, got ${String(options.port)}`, 'e.g. --port 8080, or --port 0 for any free port');
  }
  if (options.db.trim() === '') throw new CliError(CliErrorCodes.BadOption, '--db must be a path', 'e.g. --db runinfo/monitoring.db');
  if (options.host.trim() === '') throw new CliError(CliErrorCodes.BadOption, '--host must be an address', 'e.g. --host 127.0.0.1');
}

/**
 * The `parsl-ts visualize` command: start the dashboard, print its URL, serve until SIGINT or
 * SIGTERM, then stop it (the exit code is 0). A database the dashboard refuses (missing, not a
 * parsl-ts monitoring database, an unknown schema version) ends the command with the
 * dashboard's coded error.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await visualizeCommand({ db: 'runinfo/monitoring.db', port: 8080, host: '127.0.0.1' });
 * ```
 */
export async function visualizeCommand(options: VisualizeOptions, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Promise<void> {
  validateVisualizeOptions(options);
  const { startDashboard } = await loadDashboard(process.cwd());
  const dashboard = await startDashboard({ database: options.db, port: options.port, host: options.host });
  process.stdout.write(`parsl-ts visualize: ${dashboard.database} (schema v${dashboard.schemaVersion})\n`);
  process.stdout.write(`dashboard at ${dashboard.url} — press Ctrl+C to stop\n`);
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    const handlers = signals.map((s) => {
      const handler = (): void => {
        for (const [name, h] of handlers) process.off(name, h);
        resolveSignal(s);
      };
      process.on(s, handler);
      return [s, handler] as const;
    });
  });
  await dashboard.close();
  process.stdout.write(`parsl-ts visualize: stopped (${signal})\n`);
}
