import { posix } from 'node:path';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { ConfigError, File, StagingError, type Logger, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { GlobusApiError } from './GlobusApiError.js';
import { plugin } from './manifest.js';
import { pause, TransferClient, type GlobusCredentials, type TransferTask } from './TransferClient.js';

/**
 * How Globus compares files before copying (Transfer API `sync_level`): `exists` copies when the
 * destination is missing, `size` also when sizes differ, `mtime` also when the source is newer,
 * `checksum` also when checksums differ.
 *
 * @since 0.1.0
 */
export type GlobusSyncLevel = 'exists' | 'size' | 'mtime' | 'checksum';

const SYNC_LEVELS: Readonly<Record<GlobusSyncLevel, 0 | 1 | 2 | 3>> = { exists: 0, size: 1, mtime: 2, checksum: 3 };

/**
 * Options of {@link GlobusStaging}.
 *
 * @since 0.1.0
 */
export interface GlobusStagingOptions {
  /**
   * The UUID of the Globus collection (endpoint) that reaches this machine's files — and the
   * workers', through a shared filesystem: staged-in files are transferred to it, staged-out files
   * from it.
   */
  readonly localEndpoint: string;
  /**
   * The folder on this machine where staged files go, one subfolder per task. Default: the run's
   * staging folder (`<runDir>/staging/<taskId>`). It must be inside the local collection.
   */
  readonly localDir?: string;
  /**
   * The same folder as the local collection names it (a collection rooted at `/data` names
   * `/data/x` as `/x`). Default: `localDir` (or `/` when `localDir` is not set), i.e. a
   * collection that names paths as this machine does.
   */
  readonly localDirOnEndpoint?: string;
  /** A confidential client's id, for client credentials (with `clientSecret`). */
  readonly clientId?: string;
  /** Its secret; default the `GLOBUS_CLIENT_SECRET` environment variable. */
  readonly clientSecret?: string;
  /**
   * An access token for the Transfer API obtained by the user (or a function returning a current
   * one); default the `GLOBUS_ACCESS_TOKEN` environment variable. Used when no `clientId` is set.
   */
  readonly accessToken?: string | (() => string | Promise<string>);
  /** When Globus copies (Transfer `sync_level`). Default `checksum`. */
  readonly syncLevel?: GlobusSyncLevel;
  /** Have Globus verify checksums after copying (Transfer `verify_checksum`). Default true. */
  readonly verifyChecksum?: boolean;
  /** Keep the source's modification time. Default false. */
  readonly preserveTimestamp?: boolean;
  /** First wait between two status checks of a transfer, in seconds; it grows 1.5× up to `maxPollIntervalSeconds`. Default 1. */
  readonly pollIntervalSeconds?: number;
  /** Longest wait between two status checks, in seconds. Default 30. */
  readonly maxPollIntervalSeconds?: number;
  /** A transfer not done after this many seconds is cancelled and fails. Default 3600. */
  readonly timeoutSeconds?: number;
  /** Bound on each call to Globus, in seconds. Default 30. */
  readonly requestTimeoutSeconds?: number;
  /** How often a call that met a network error, 429 or 5xx is tried again. Default 3. */
  readonly retries?: number;
  /** The Globus environment (`production`, `sandbox`, ...). Default the SDK's (production, or `GLOBUS_SDK_ENVIRONMENT`). */
  readonly environment?: string;
}

const OPTION_KEYS = new Set([
  'localEndpoint', 'localDir', 'localDirOnEndpoint', 'clientId', 'clientSecret', 'accessToken', 'syncLevel', 'verifyChecksum',
  'preserveTimestamp', 'pollIntervalSeconds', 'maxPollIntervalSeconds', 'timeoutSeconds', 'requestTimeoutSeconds', 'retries', 'environment',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stages `globus://<endpoint-uuid>/path` files in and out of tasks with Globus transfers, as
 * Parsl's GlobusStaging: each file is one transfer task between its collection and the local one
 * (`localEndpoint`), submitted with a submission id, `sync_level` and `verify_checksum`, and polled
 * with a growing interval until it ends. It runs on the submit side, in staging tasks of their own.
 *
 * Failures are StagingErrors that name the URL and carry Globus's code and message, with a hint
 * for the usual causes: an endpoint that does not exist, no permission on it, an expired token, a
 * transfer that failed (Globus's fatal error), or one that did not finish in time (cancelled).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ staging: [new GlobusStaging({
 *   localEndpoint: 'ddb59aef-6d04-11e5-ba46-22000b92c6ec', clientId: process.env.GLOBUS_CLIENT_ID,
 * })] });
 * await analyse({ inputs: [new File('globus://ddb59af0-6d04-11e5-ba46-22000b92c6ec/~/data.h5')] });
 * ```
 */
export class GlobusStaging implements Staging {
  /** Name for logs and errors. */
  readonly name = 'globus';
  /** The plugin manifest (core range checked by `loadConfig`). */
  readonly manifest: PluginManifest = plugin;
  private readonly options: GlobusStagingOptions;
  private readonly client: TransferClient;

  constructor(options: GlobusStagingOptions) {
    this.options = checkOptions(options);
    this.client = new TransferClient({
      credentials: credentials(this.options),
      requestTimeoutMs: (this.options.requestTimeoutSeconds ?? 30) * 1000,
      retries: this.options.retries ?? 3,
      ...(this.options.environment ? { environment: this.options.environment } : {}),
    });
  }

  /** True for `globus://` files. */
  canStageIn(file: File): boolean {
    return file.scheme === 'globus';
  }

  /** True for `globus://` files. */
  canStageOut(file: File): boolean {
    return file.scheme === 'globus';
  }

  /** Transfer the file from its collection to the local one; resolves when it is there. */
  async stageIn(file: File, context: StagingContext): Promise<File> {
    const localPath = this.localPathFor(file, context);
    const remote = remoteOf(file);
    await this.transfer(file, context, 'stage-in', {
      sourceEndpoint: remote.endpoint, sourcePath: remote.path,
      destinationEndpoint: this.options.localEndpoint, destinationPath: this.onEndpoint(file, localPath),
    });
    return new File(file.url, localPath);
  }

  /** Transfer the task's output from the local collection to the file's; resolves when it is there. */
  async stageOut(file: File, context: StagingContext): Promise<File> {
    const remote = remoteOf(file);
    await this.transfer(file, context, 'stage-out', {
      sourceEndpoint: this.options.localEndpoint, sourcePath: this.onEndpoint(file, file.localPath!),
      destinationEndpoint: remote.endpoint, destinationPath: remote.path,
    });
    return file;
  }

  /** Build from plain options (the plugin factory, for config files). */
  static fromOptions(options: Record<string, unknown>): GlobusStaging {
    return new GlobusStaging(options as unknown as GlobusStagingOptions);
  }

  private localPathFor(file: File, context: StagingContext): string {
    const name = basename(file.localPath ?? file.path);
    if (this.options.localDir !== undefined) return join(this.options.localDir, String(context.taskId), name);
    return file.localPath ?? join(context.workingDir ?? join(context.runDir, 'staging', String(context.taskId)), name);
  }

  /** The local collection's name for a local path. */
  private onEndpoint(file: File, localPath: string): string {
    const localDir = this.options.localDir ?? sep;
    const inside = relative(localDir, localPath);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new StagingError(file.url, `${localPath} is outside localDir ${localDir}, so the local collection cannot name it`, {
        hint: 'set localDir (and localDirOnEndpoint) to the folder the local collection shares',
      });
    }
    return posix.join(this.options.localDirOnEndpoint ?? localDir.split(sep).join('/'), ...inside.split(sep));
  }

  private async transfer(
    file: File, context: StagingContext, direction: 'stage-in' | 'stage-out',
    ends: { sourceEndpoint: string; sourcePath: string; destinationEndpoint: string; destinationPath: string },
  ): Promise<void> {
    const logger = context.logger;
    const timeoutMs = (this.options.timeoutSeconds ?? 3600) * 1000;
    let taskId: string | undefined;
    try {
      const submissionId = await this.client.submissionId(context.signal);
      taskId = await this.client.submitTransfer(submissionId, {
        ...ends, label: `parsl-ts task ${context.taskId} ${direction}`.slice(0, 128),
        syncLevel: SYNC_LEVELS[this.options.syncLevel ?? 'checksum'], verifyChecksum: this.options.verifyChecksum ?? true,
        preserveTimestamp: this.options.preserveTimestamp ?? false, deadline: new Date(Date.now() + timeoutMs).toISOString(),
      }, context.signal);
      logger?.info({ url: file.url, taskId, submissionId, ...ends }, `Globus ${direction} submitted`);
      await this.waitFor(file, taskId, timeoutMs, context.signal, logger);
      logger?.info({ url: file.url, taskId }, `Globus ${direction} succeeded`);
    } catch (error) {
      if (taskId !== undefined && !(error instanceof TaskEnded)) await this.cancelQuietly(taskId, logger);
      if (context.signal.aborted && !(error instanceof StagingError)) {
        throw new StagingError(file.url, `the Globus ${direction} was stopped (the workflow is shutting down)${taskId ? `; task ${taskId} was cancelled` : ''}`, { cause: error });
      }
      throw toStagingError(file, direction, error);
    }
  }

  /** Poll the task with a growing interval until it ends; rejects unless it SUCCEEDED. */
  private async waitFor(file: File, taskId: string, timeoutMs: number, signal: AbortSignal, logger: Logger | undefined): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let interval = (this.options.pollIntervalSeconds ?? 1) * 1000;
    const maxInterval = (this.options.maxPollIntervalSeconds ?? 30) * 1000;
    for (;;) {
      await pause(Math.max(0, Math.min(interval, deadline - Date.now())), signal);
      const task: TransferTask = await this.client.task(taskId, signal);
      if (task.status === 'SUCCEEDED') return;
      if (task.status === 'FAILED') {
        const fatal = task.fatal_error;
        throw new TaskEnded(new StagingError(file.url, `Globus transfer task ${taskId} failed: ${fatal ? `${fatal.code}: ${fatal.description}` : task.nice_status ?? 'no reason given'}`, {
          hint: failedTaskHint(fatal?.code),
        }));
      }
      if (task.status === 'INACTIVE') {
        throw new StagingError(file.url, `Globus transfer task ${taskId} is INACTIVE (${task.nice_status ?? 'credentials expired'}); it was cancelled`, {
          hint: 'the credentials of one of the collections expired: reactivate it (or renew consent) in the Globus web app, then run the task again',
        });
      }
      if (Date.now() >= deadline) {
        throw new StagingError(file.url, `Globus transfer task ${taskId} did not finish within ${timeoutMs / 1000} s (${task.nice_status ?? task.status}); it was cancelled`, {
          hint: 'raise timeoutSeconds for large transfers, or see the task in the Globus web app',
        });
      }
      logger?.debug({ taskId, status: task.status, niceStatus: task.nice_status, nextPollMs: interval }, 'Globus transfer still running');
      interval = Math.min(interval * 1.5, maxInterval);
    }
  }

  private async cancelQuietly(taskId: string, logger: Logger | undefined): Promise<void> {
    try {
      await this.client.cancel(taskId, AbortSignal.timeout(5000));
      logger?.info({ taskId }, 'Globus task cancelled');
    } catch (err) {
      logger?.warn({ err, taskId }, 'cancelling the Globus task failed');
    }
  }
}

/** A task that ended on Globus's side (nothing left to cancel). */
class TaskEnded extends Error {
  constructor(readonly error: StagingError) {
    super(error.message);
  }
}

function toStagingError(file: File, direction: string, error: unknown): StagingError {
  if (error instanceof TaskEnded) return error.error;
  if (error instanceof StagingError) return error;
  if (!(error instanceof GlobusApiError)) return new StagingError(file.url, `Globus ${direction} failed: ${(error as Error)?.message ?? error}`, { cause: error });
  const hints: Record<GlobusApiError['kind'], string> = {
    'expired-token': 'Globus refused the credentials: the access token expired or is not for the Transfer API — get a new one, or use client credentials (clientId and GLOBUS_CLIENT_SECRET), which are renewed automatically',
    'permission': 'the identity behind the credentials may not use this collection or path: ask its manager for access (a role or a permission), or grant consent to its data access scope',
    'endpoint-not-found': `check the endpoint UUID in the URL (${file.netloc}) and the localEndpoint option`,
    'unreachable': 'check the network to Globus (and a proxy), then try again; calls are already retried with backoff',
    'other': 'see Globus\'s message; the request id helps Globus support',
  };
  return new StagingError(file.url, `Globus could not ${error.what}: ${error.body.code}: ${error.body.message}${error.body.request_id ? ` (request ${error.body.request_id})` : ''}`, {
    cause: error, hint: hints[error.kind],
  });
}

function failedTaskHint(code: string | undefined): string {
  switch (code) {
    case 'FILE_NOT_FOUND': return 'the source file does not exist: check the path in the URL, or that the app wrote its output';
    case 'PERMISSION_DENIED': return 'the identity behind the credentials may not read the source or write the destination path';
    case 'QUOTA_EXCEEDED': case 'NO_SPACE_LEFT': return 'the destination is full';
    case 'VERIFY_CHECKSUM': case 'EXTERNAL_CHECKSUM_MISMATCH': return 'the copy did not match the source: try again, and check the storage';
    default: return 'see the task\'s events in the Globus web app';
  }
}

function remoteOf(file: File): { endpoint: string; path: string } {
  const endpoint = file.netloc;
  if (!UUID.test(endpoint)) {
    throw new StagingError(file.url, `"${endpoint}" is not a Globus endpoint UUID`, { hint: 'write globus://<collection-uuid>/path, e.g. globus://ddb59aef-6d04-11e5-ba46-22000b92c6ec/~/data.csv' });
  }
  return { endpoint, path: file.path };
}

function credentials(options: GlobusStagingOptions): GlobusCredentials {
  if (options.clientId !== undefined) {
    const secret = options.clientSecret ?? process.env.GLOBUS_CLIENT_SECRET;
    if (!secret) {
      throw new ConfigError('clientId is set, but there is no client secret', {
        path: 'staging.globus.clientSecret', hint: 'set the GLOBUS_CLIENT_SECRET environment variable (or the clientSecret option)',
      });
    }
    return { clientId: options.clientId, clientSecret: secret };
  }
  const token = options.accessToken ?? process.env.GLOBUS_ACCESS_TOKEN;
  if (!token) {
    throw new ConfigError('GlobusStaging needs credentials: a clientId (client credentials) or an access token', {
      path: 'staging.globus', hint: 'set clientId and GLOBUS_CLIENT_SECRET for a confidential client, or GLOBUS_ACCESS_TOKEN (or accessToken) with a Transfer API token',
    });
  }
  return { accessToken: token };
}

function checkOptions(options: GlobusStagingOptions): GlobusStagingOptions {
  const path = (key: string): string => `staging.globus.${key}`;
  if (typeof options !== 'object' || options === null) throw new ConfigError('GlobusStaging needs options (at least localEndpoint)', { path: 'staging.globus' });
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`unknown option "${key}"`, { path: path(key), hint: `use ${[...OPTION_KEYS].join(', ')}` });
  }
  if (typeof options.localEndpoint !== 'string' || !UUID.test(options.localEndpoint)) {
    throw new ConfigError(`localEndpoint must be the UUID of the collection that reaches this machine's files, got ${JSON.stringify(options.localEndpoint)}`, {
      path: path('localEndpoint'), hint: 'find it in the Globus web app (Collections) or with `globus endpoint local-id` for Globus Connect Personal',
    });
  }
  if (options.syncLevel !== undefined && !(options.syncLevel in SYNC_LEVELS)) {
    throw new ConfigError(`syncLevel must be one of ${Object.keys(SYNC_LEVELS).join(', ')}`, { path: path('syncLevel') });
  }
  for (const key of ['pollIntervalSeconds', 'maxPollIntervalSeconds', 'timeoutSeconds', 'requestTimeoutSeconds'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && value > 0)) throw new ConfigError(`${key} must be a positive number of seconds`, { path: path(key) });
  }
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) throw new ConfigError('retries must be a whole number >= 0', { path: path('retries') });
  for (const key of ['localDir', 'localDirOnEndpoint'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) throw new ConfigError(`${key} must be an absolute path`, { path: path(key) });
  }
  return { ...options, localEndpoint: options.localEndpoint.toLowerCase() };
}
