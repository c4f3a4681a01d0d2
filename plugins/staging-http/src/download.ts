import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_SECONDS, downloadStoppedError, downloadToFile, redactUrl, silentServerError, StagingError,
} from '@parsl-ts/core';

/**
 * How a download behaves (the plain-data options shared by both staging modes).
 *
 * @since 0.1.0
 */
export interface DownloadOptions {
  /** Give up when the server sends nothing for this many seconds (connecting included). Default 60. */
  readonly timeoutSeconds?: number;
  /** Extra request headers, e.g. `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The default bound on a silent server, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS;

/**
 * Download `url` to `localPath`. The data goes to a temporary file next to it, renamed into place
 * once complete, so a failed download never leaves a partial file where the task looks. Redirects
 * are followed. Every failure is a StagingError naming the URL (without its password): an HTTP
 * error status, a refused connection, an unknown host, a silent server, a file that cannot be
 * written.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await download('https://example.org/data.csv', '/tmp/task-1/data.csv', { timeoutSeconds: 30 });
 * ```
 */
export async function download(url: string, localPath: string, options: DownloadOptions = {}, signal?: AbortSignal): Promise<void> {
  const shown = redactUrl(url);
  const timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // An idle timer, not a total one: a large file may take long, a silent server may not.
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  };
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  // fetch refuses URLs with credentials: send them as Basic authentication instead.
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (target.username !== '' || target.password !== '') {
    headers.Authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(target, { headers, redirect: 'follow', signal: controller.signal });
    } catch (cause) {
      throw requestError(shown, cause, timedOut, timeoutMs, signal);
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(shown, response.status, response.statusText);
    }
    const body = response.body as import('node:stream/web').ReadableStream<Uint8Array>;
    const keepAlive = new Transform({ transform(chunk, _encoding, callback) { arm(); callback(null, chunk); } });
    await downloadToFile(
      shown, localPath,
      (part) => pipeline(Readable.fromWeb(body), keepAlive, createWriteStream(part)),
      (cause) => requestError(shown, cause, timedOut, timeoutMs, signal),
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function statusError(url: string, status: number, statusText: string): StagingError {
  const hint = status === 404 || status === 410
    ? 'the server has no file at this URL: check the URL'
    : status === 401 || status === 403
      ? 'the server refused access: pass credentials with the `headers` option (e.g. Authorization), or check them'
      : status >= 500
        ? 'the server failed: try again later, or give the app retries'
        : 'check the URL and what the server expects';
  return new StagingError(url, `HTTP ${status}${statusText ? ` ${statusText}` : ''}`, { hint });
}

function requestError(url: string, cause: unknown, timedOut: boolean, timeoutMs: number, signal: AbortSignal | undefined): StagingError {
  if (timedOut) return silentServerError(url, timeoutMs / 1000, cause);
  if (signal?.aborted) return downloadStoppedError(url, cause);
  const inner = (cause as { cause?: unknown })?.cause ?? cause;
  const code = (inner as NodeJS.ErrnoException)?.code;
  const message = (inner as Error)?.message ?? String(inner);
  switch (code) {
    case 'ECONNREFUSED':
      return new StagingError(url, `connection refused (${message})`, { cause, hint: 'nothing listens at this host and port: is the server running, and is the URL right?' });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StagingError(url, `host not found (${message})`, { cause, hint: 'check the host name in the URL and the DNS where the task runs' });
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new StagingError(url, `the connection was closed early (${message})`, { cause, hint: 'the server dropped the connection: try again, or give the app retries' });
    default:
      return new StagingError(url, message, { cause });
  }
}
