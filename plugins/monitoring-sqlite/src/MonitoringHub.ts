import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Monitoring, MonitoringRadio, PluginManifest } from '@parsl-ts/core';
import { plugin } from './manifest.js';
import { MonitoringError, MonitoringErrorCodes } from './MonitoringError.js';
import { FilesystemRadio } from './radios/FilesystemRadio.js';
import { InProcessRadio } from './radios/InProcessRadio.js';
import { UdpRadio } from './radios/UdpRadio.js';
import { WriterThread, toError, type WriterTotals } from './writer/WriterThread.js';

/**
 * Which radio carries the DataFlowKernel's own records to the hub.
 *
 * @since 0.1.0
 */
export type RadioKind = 'in-process' | 'udp' | 'filesystem';

/**
 * Options of the {@link MonitoringHub}. Plain data: a config file can hold them.
 *
 * @since 0.1.0
 */
export interface MonitoringHubOptions {
  /**
   * The SQLite database. Default `monitoring.db` next to the run directories (`runinfo/monitoring.db`
   * for the default `runDir`), shared by every run, as in Parsl. A relative path is taken from the
   * current working directory.
   */
  database?: string;
  /** The radio the DataFlowKernel's records travel through. Default `in-process`. */
  radio?: RadioKind;
  /**
   * Listen for {@link UdpRadio}s. `true` or an object starts the listener (`address` default
   * `127.0.0.1`, `port` default 0: a free one, see `hub.udpPort`). On when `radio` is `udp`.
   */
  udp?: boolean | { address?: string; port?: number };
  /**
   * Ingest the spool folder of {@link FilesystemRadio}s. `true` or an object turns it on (`dir`
   * default `<run dir>/monitoring-spool`, `pollInterval` default 200 ms). On when `radio` is
   * `filesystem`.
   */
  filesystem?: boolean | { dir?: string; pollInterval?: number };
  /**
   * Seconds between resource samples (CPU, memory, I/O from /proc) of running tasks on workers,
   * and of the workflow process itself. Every try on HTEX also gets a sample when it ends.
   * 0 turns resource monitoring off. Default 10.
   */
  resourceMonitoringInterval?: number;
  /** Bound of `stop()` (writing what is left), in seconds. Default 30. */
  stopTimeout?: number;
  /** How long a write waits for another process's lock on the database, in seconds. Default 10. */
  busyTimeout?: number;
}

/**
 * Monitoring into SQLite, as Parsl's MonitoringHub: records every workflow, task, try, state
 * transition, block, node and resource sample of a run (schema: docs/monitoring/schema.md).
 * `start()` opens the database (created and migrated as needed) in a writer thread that writes
 * batches in transactions (WAL, so the dashboard can read while it writes), starts the UDP and
 * filesystem listeners asked for, and returns the radio the DataFlowKernel sends to. `stop()`
 * writes everything that arrived and closes the database, within `stopTimeout`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * import { loadConfig } from '@parsl-ts/core';
 * import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';
 *
 * const dfk = await loadConfig({ monitoring: new MonitoringHub({ resourceMonitoringInterval: 5 }) });
 * // ... run apps; then `parsl-ts visualize runinfo/monitoring.db`
 * await dfk.cleanup();
 * ```
 */
export class MonitoringHub implements Monitoring {
  /** The options as given (plain data). */
  readonly options: Readonly<MonitoringHubOptions>;
  private writer: WriterThread | undefined;
  private radio: MonitoringRadio | undefined;
  private database: string | undefined;
  private spool: string | undefined;
  private totals: WriterTotals | undefined;
  private readonly warned = new Set<string>();

  constructor(options: MonitoringHubOptions = {}) {
    const o = options ?? {};
    const fail = (path: string, message: string, hint: string): never => {
      throw new MonitoringError(MonitoringErrorCodes.Options, `MonitoringHub: ${path} ${message}`, { hint });
    };
    if (o.database !== undefined && (typeof o.database !== 'string' || o.database.length === 0)) fail('database', 'must be a path', 'leave it out for runinfo/monitoring.db');
    if (o.radio !== undefined && !['in-process', 'udp', 'filesystem'].includes(o.radio)) fail('radio', `must be 'in-process', 'udp' or 'filesystem', got ${JSON.stringify(o.radio)}`, "leave it out for 'in-process'");
    for (const key of ['resourceMonitoringInterval', 'stopTimeout', 'busyTimeout'] as const) {
      const value = o[key];
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0 && (key === 'resourceMonitoringInterval' || value > 0))) {
        fail(key, `must be a number of seconds${key === 'resourceMonitoringInterval' ? ' >= 0' : ' > 0'}, got ${String(value)}`, `leave it out for the default`);
      }
    }
    if (typeof o.udp === 'object' && o.udp !== null && o.udp.port !== undefined && !(Number.isInteger(o.udp.port) && o.udp.port >= 0 && o.udp.port <= 65535)) {
      fail('udp.port', `must be a port number (0 picks a free one), got ${String(o.udp.port)}`, 'leave it out for a free port');
    }
    if (typeof o.filesystem === 'object' && o.filesystem !== null && o.filesystem.pollInterval !== undefined && !(o.filesystem.pollInterval > 0)) {
      fail('filesystem.pollInterval', `must be a positive number of ms, got ${String(o.filesystem.pollInterval)}`, 'leave it out for 200');
    }
    this.options = { ...o };
  }

  /** The manifest of this plugin (core checks its core range). */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** The database file (after `start()`). */
  get databasePath(): string | undefined {
    return this.database;
  }

  /** The UDP port the hub listens on, when it does (after `start()`). */
  get udpPort(): number | undefined {
    return this.writer?.udpPort;
  }

  /** The spool folder the hub ingests, when it does (after `start()`). */
  get spoolDir(): string | undefined {
    return this.spool;
  }

  /** Records written and invalid inputs rejected, after `stop()`. */
  get stats(): WriterTotals | undefined {
    return this.totals;
  }

  /** Seconds between resource samples (0: off). */
  get resourceMonitoringInterval(): number {
    return this.options.resourceMonitoringInterval ?? 10;
  }

  /** @inheritDoc */
  async start(context: { runId: string; runDir: string }): Promise<MonitoringRadio> {
    if (this.writer) {
      throw new MonitoringError(MonitoringErrorCodes.Options, 'this MonitoringHub is already running for another DataFlowKernel', {
        hint: 'give every loadConfig() its own new MonitoringHub(), or clean up the first run before the next',
      });
    }
    const o = this.options;
    const kind = o.radio ?? 'in-process';
    this.database = o.database === undefined ? join(dirname(resolve(context.runDir)), 'monitoring.db')
      : isAbsolute(o.database) ? o.database : resolve(o.database);
    const udp = kind === 'udp' || (o.udp !== undefined && o.udp !== false)
      ? { address: (typeof o.udp === 'object' ? o.udp.address : undefined) ?? '127.0.0.1', port: (typeof o.udp === 'object' ? o.udp.port : undefined) ?? 0 }
      : undefined;
    const fsOptions = typeof o.filesystem === 'object' ? o.filesystem : {};
    this.spool = kind === 'filesystem' || (o.filesystem !== undefined && o.filesystem !== false)
      ? resolve(fsOptions.dir ?? join(context.runDir, 'monitoring-spool')) : undefined;
    const interval = this.resourceMonitoringInterval;
    this.totals = undefined;
    this.writer = await WriterThread.start({
      database: this.database, busyTimeoutMs: (o.busyTimeout ?? 10) * 1000,
      ...(udp ? { udp } : {}),
      ...(this.spool ? { spool: { dir: this.spool, pollMs: fsOptions.pollInterval ?? 200 } } : {}),
      ...(interval > 0 ? { sampleProcess: { runId: context.runId, intervalMs: interval * 1000 } } : {}),
    }, 30_000, (message) => this.warn(message));
    const writer = this.writer;
    if (kind === 'udp') this.radio = new UdpRadio({ host: udp!.address, port: writer.udpPort!, resourceMonitoringInterval: interval });
    else if (kind === 'filesystem') this.radio = new FilesystemRadio({ dir: this.spool!, resourceMonitoringInterval: interval });
    else this.radio = new InProcessRadio((batch) => writer.postBatch(batch), interval);
    return this.radio;
  }

  /**
   * Wait until everything sent so far (in-process, and spooled files as they are now) is in the
   * database, e.g. before reading it while the run goes on. Bounded by `timeoutSeconds` (default 30).
   */
  async flush(timeoutSeconds = 30): Promise<void> {
    if (!this.writer) return;
    if (this.radio instanceof InProcessRadio) this.radio.flush();
    await this.writer.flush(timeoutSeconds * 1000);
  }

  /** @inheritDoc */
  async stop(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const problems: MonitoringError[] = [];
    try {
      await this.radio?.close();
    } catch (error) {
      problems.push(error as MonitoringError);
    }
    try {
      this.totals = await writer.stop((this.options.stopTimeout ?? 30) * 1000);
    } catch (error) {
      problems.push(error as MonitoringError);
    }
    this.writer = undefined;
    this.radio = undefined;
    problems.push(...writer.errors.map(toError));
    if (problems.length > 0) throw problems[0];
  }

  /** Say it once on stderr (the hub has no logger of its own: it must not fail the run). */
  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    process.emitWarning(message, { code: MonitoringErrorCodes.Writer });
  }
}
