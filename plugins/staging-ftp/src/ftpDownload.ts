import { Client, FTPError } from 'basic-ftp';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_SECONDS, downloadStoppedError, downloadToFile, redactUrl, silentServerError, StagingError,
} from '@parsl-ts/core';

/**
 * How an FTP download behaves (the plain-data options shared by both staging modes).
 *
 * @since 0.1.0
 */
export interface FtpDownloadOptions {
  /** Give up when the server sends nothing for this many seconds (connecting included). Default 60. */
  readonly timeoutSeconds?: number;
  /** Use FTPS: `true` for explicit TLS (AUTH TLS), `'implicit'` for implicit TLS. Default false. */
  readonly secure?: boolean | 'implicit';
}

/** The default bound on a silent server, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS;

/**
 * Download the file an `ftp://[user[:password]@]host[:port]/path` URL names to `localPath`.
 * Without a user in the URL the login is anonymous. The URL's path is sent to the server as it
 * is. The data goes to a temporary file renamed into place once complete, so a failed download
 * leaves nothing where the task looks. Every failure is a StagingError naming the URL (without
 * its password): a refused connection, a failed login, a file the server does not have or will
 * not give (FTP 550), a silent server, a local file that cannot be written.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await ftpDownload('ftp://ftp.example.org/pub/data.csv', '/tmp/task-1/data.csv');
 * ```
 */
export async function ftpDownload(url: string, localPath: string, options: FtpDownloadOptions = {}, signal?: AbortSignal): Promise<void> {
  const parsed = new URL(url);
  const shown = redactUrl(url);
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const client = new Client(timeoutSeconds * 1000);
  const onAbort = (): void => client.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await downloadToFile(shown, localPath, async (part) => {
      try {
        await client.access({
          host: parsed.hostname, port: parsed.port === '' ? 21 : Number(parsed.port),
          user: parsed.username === '' ? 'anonymous' : decodeURIComponent(parsed.username),
          password: parsed.username === '' ? 'anonymous@' : decodeURIComponent(parsed.password),
          secure: options.secure ?? false,
        });
      } catch (cause) {
        throw connectError(shown, cause, timeoutSeconds, signal);
      }
      await client.downloadTo(part, decodeURIComponent(parsed.pathname));
    }, (cause) => transferError(shown, cause, timeoutSeconds, signal));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.close();
  }
}

function connectError(url: string, cause: unknown, timeoutSeconds: number, signal: AbortSignal | undefined): StagingError {
  if (signal?.aborted) return downloadStoppedError(url, cause);
  if (cause instanceof FTPError) {
    return new StagingError(url, `FTP login failed: ${cause.code} ${cause.message}`, {
      cause, hint: cause.code === 530 ? 'the server refused the login: put the user and password in the URL (ftp://user:password@host/path), or check them' : 'check what the server expects',
    });
  }
  const code = (cause as NodeJS.ErrnoException)?.code;
  const message = (cause as Error)?.message ?? String(cause);
  if (code === 'ECONNREFUSED') return new StagingError(url, `connection refused (${message})`, { cause, hint: 'nothing listens at this host and port: is the FTP server running, and is the URL right?' });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new StagingError(url, `host not found (${message})`, { cause, hint: 'check the host name in the URL and the DNS where the task runs' });
  if (/timeout/i.test(message)) return silentServerError(url, timeoutSeconds, cause);
  return new StagingError(url, message, { cause });
}

function transferError(url: string, cause: unknown, timeoutSeconds: number, signal: AbortSignal | undefined): StagingError {
  if (signal?.aborted) return downloadStoppedError(url, cause);
  if (cause instanceof FTPError) {
    return new StagingError(url, `FTP ${cause.code} ${cause.message.replace(/^\d{3}\s*/, '')}`, {
      cause, hint: cause.code === 550 ? 'the server has no such file, or this user may not read it: check the path and its permissions' : 'see the server\'s message',
    });
  }
  const message = (cause as Error)?.message ?? String(cause);
  if (/timeout/i.test(message)) return silentServerError(url, timeoutSeconds, cause);
  return new StagingError(url, message, { cause });
}
