import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors/usageErrors.js';
import type { PluginManifest } from '../config/PluginManifest.js';
import type { Executor } from '../interfaces/Executor.js';
import type { TaskCounts, TaskEvent } from '../dfk/DataFlowKernel.js';
import { CORE_VERSION } from '../version.js';

/**
 * Settings of the opt-in anonymized usage tracking (`usageTracking` in a config). Off unless the
 * config says `true` (or gives these settings) or the environment sets
 * `PARSL_TS_USAGE_TRACKING=1`; `PARSL_TS_USAGE_TRACKING=0` turns it off whatever the config says.
 *
 * @since 0.1.1
 */
export interface UsageTrackingOptions {
  /**
   * Where the UDP datagrams go, `host:port` (`[v6]:port` for IPv6). Default: the environment's
   * `PARSL_TS_USAGE_ENDPOINT`; with neither, nothing is sent and the run log says so.
   */
  readonly endpoint?: string;
}

/**
 * The plugin facts a message carries: first-party packages by name and version, others only by kind.
 *
 * @since 0.1.1
 */
export interface UsagePlugin {
  /** `@parsl-ts/...` for first-party plugins, `third-party` for any other package. */
  readonly package: string;
  /** The plugin's version (first-party only). */
  readonly version?: string;
  /** The plugin's kind. */
  readonly kind: string;
}

/**
 * The first datagram of a run. Field by field in docs/usage-tracking.md; nothing in it names a
 * person, a host, a path, an app or an argument.
 *
 * @since 0.1.1
 */
export interface UsageStartMessage {
  /** Message format version (1). */
  readonly v: 1;
  /** `start`. */
  readonly type: 'start';
  /** A random id made for this message pair only (not the run's id), to match start and end. */
  readonly id: string;
  /** `@parsl-ts/core` version. */
  readonly core: string;
  /** Node.js version (`process.versions.node`). */
  readonly node: string;
  /** `process.platform` and `process.arch`, e.g. `linux-x64`. */
  readonly platform: string;
  /** Plugins registered for the run. */
  readonly plugins: readonly UsagePlugin[];
  /** The executors' kinds (`threads`, `htex`, ...), one per executor. */
  readonly executors: readonly string[];
}

/**
 * The last datagram of a run, sent at `cleanup()`.
 *
 * @since 0.1.1
 */
export interface UsageEndMessage {
  /** Message format version (1). */
  readonly v: 1;
  /** `end`. */
  readonly type: 'end';
  /** The id of the run's start message. */
  readonly id: string;
  /** Seconds from `loadConfig` to the end of `cleanup()`, rounded to 0.1 s. */
  readonly seconds: number;
  /** Task counts: submitted, done (exec_done + memo_done), failed, dep_fail. */
  readonly tasks: { readonly submitted: number; readonly done: number; readonly failed: number; readonly depFail: number };
  /** Failed tries by error code (`PARSL_*` codes and core's error class names; anything else is `other`). */
  readonly failures: Readonly<Record<string, number>>;
}

/** Environment switch and endpoint. */
const ENV_SWITCH = 'PARSL_TS_USAGE_TRACKING';
const ENV_ENDPOINT = 'PARSL_TS_USAGE_ENDPOINT';
/** How long `cleanup()` waits at most for the end datagram to leave. */
const SEND_BOUND_MS = 500;
/** Error names that are core's own classes (not user-chosen names). */
const CORE_ERROR_NAMES = new Set(['BashExitFailure', 'AppTimeout', 'DependencyError', 'WorkerLost', 'ManagerLost', 'InterchangeLost', 'TaskCancelled']);

/**
 * Parse `host:port` / `[v6]:port`; undefined when it is not one.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * parseEndpoint('127.0.0.1:50077'); // { host: '127.0.0.1', port: 50077 }
 * ```
 */
export function parseEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(endpoint.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

/**
 * Whether usage tracking is on for a config value, and where it sends: the environment switch
 * wins over the config. Throws a ConfigError for a value that is not a boolean or settings object,
 * or an endpoint that is not `host:port`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * usageTrackingSettings(true, { PARSL_TS_USAGE_ENDPOINT: '127.0.0.1:50077' }); // { enabled: true, endpoint: {...} }
 * ```
 */
export function usageTrackingSettings(value: unknown, env: NodeJS.ProcessEnv = process.env): { enabled: boolean; endpoint: { host: string; port: number } | undefined } {
  if (value !== undefined && typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new ConfigError(`must be true, false or { endpoint: "host:port" }, got ${JSON.stringify(value)}`, { path: 'usageTracking', hint: 'leave it out: usage tracking is off by default' });
  }
  const given = typeof value === 'object' && value !== null ? (value as UsageTrackingOptions).endpoint : undefined;
  const text = given ?? env[ENV_ENDPOINT];
  const endpoint = text === undefined || text === '' ? undefined : parseEndpoint(text);
  if (text !== undefined && text !== '' && endpoint === undefined) {
    throw new ConfigError(`endpoint ${JSON.stringify(text)} is not host:port`, { path: given !== undefined ? 'usageTracking.endpoint' : ENV_ENDPOINT, hint: 'e.g. "usage.example.org:50077" or "[::1]:50077"' });
  }
  const switchValue = env[ENV_SWITCH];
  const enabled = switchValue === '0' || switchValue === 'false' ? false
    : switchValue === '1' || switchValue === 'true' ? true
      : value === true || (typeof value === 'object' && value !== null);
  return { enabled, endpoint };
}

/**
 * What a failure is counted as: its stable `PARSL_*` code, a core error class name, or `other`
 * (never a message or a user-chosen name).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * failureKey(new BashExitFailure('a', 1)); // 'PARSL_BASH_EXIT'
 * ```
 */
export function failureKey(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^PARSL_[A-Z0-9_]+$/.test(code)) return code;
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && CORE_ERROR_NAMES.has(name) ? name : 'other';
}

/**
 * The plugin facts of a manifest, anonymized for third parties.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * usagePlugin(plugin); // { package: '@parsl-ts/executor-htex', version: '0.1.0', kind: 'executor' }
 * ```
 */
export function usagePlugin(manifest: PluginManifest): UsagePlugin {
  return manifest.name.startsWith('@parsl-ts/')
    ? { package: manifest.name, version: manifest.version, kind: manifest.kind }
    : { package: 'third-party', kind: manifest.kind };
}

/**
 * Sends one anonymized datagram when a run starts and one when it is cleaned up, over UDP to a
 * configurable endpoint. It never blocks a run (sends are fire and forget; `finish` waits at most
 * 500 ms) and never fails one (every error is swallowed and logged at debug level).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const tracker = new UsageTracker({ host: '127.0.0.1', port: 50077 });
 * tracker.start({ plugins: loadedPlugins(), executors: [threads] });
 * await tracker.finish(dfk.counts());
 * ```
 */
export class UsageTracker {
  private readonly id = randomUUID();
  private readonly startedAt = performance.now();
  private readonly failures: Record<string, number> = {};
  private readonly socket;
  private closed = false;

  constructor(private readonly endpoint: { host: string; port: number }, private readonly onError: (error: unknown) => void = () => {}) {
    this.socket = createSocket(isIP(endpoint.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('error', (error) => this.onError(error));
    this.socket.unref();
  }

  /** Send the start message. */
  start(run: { plugins: readonly PluginManifest[]; executors: readonly Executor[] }): UsageStartMessage {
    const message: UsageStartMessage = {
      v: 1, type: 'start', id: this.id, core: CORE_VERSION, node: process.versions.node, platform: `${process.platform}-${process.arch}`,
      plugins: run.plugins.map(usagePlugin), executors: run.executors.map((e) => String(e.kind)),
    };
    void this.send(message);
    return message;
  }

  /** Count a failed try (a DataFlowKernel task event listener). */
  readonly onTaskEvent = (event: TaskEvent): void => {
    if (event.to !== 'failed' && event.to !== 'dep_fail') return;
    const key = event.to === 'dep_fail' ? 'DependencyError' : failureKey(event.error);
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  };

  /** Send the end message and close the socket (waits at most 500 ms; never rejects). */
  async finish(counts: TaskCounts): Promise<UsageEndMessage> {
    const message: UsageEndMessage = {
      v: 1, type: 'end', id: this.id, seconds: Math.round((performance.now() - this.startedAt) / 100) / 10,
      tasks: { submitted: counts.submitted, done: counts.exec_done + counts.memo_done, failed: counts.failed, depFail: counts.dep_fail },
      failures: { ...this.failures },
    };
    await Promise.race([this.send(message), new Promise<void>((resolve) => setTimeout(resolve, SEND_BOUND_MS).unref())]);
    this.close();
    return message;
  }

  private send(message: UsageStartMessage | UsageEndMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      try {
        this.socket.send(Buffer.from(JSON.stringify(message)), this.endpoint.port, this.endpoint.host, (error) => {
          if (error) this.onError(error);
          resolve();
        });
      } catch (error) {
        this.onError(error);
        resolve();
      }
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
