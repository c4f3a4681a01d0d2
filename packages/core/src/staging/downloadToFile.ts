import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ParslError } from '../errors/ParslError.js';
import { StagingError } from '../errors/usageErrors.js';

/** Error codes of a local write that failed because of the folder or the disk, not the server. */
const LOCAL_WRITE_CODES = ['EACCES', 'ENOENT', 'ENOSPC', 'EROFS', 'EISDIR'];

/**
 * Download into `localPath` so that a failed download never leaves a partial file where the task
 * looks: creates the folder, lets `write` fill a temporary file next to `localPath`, then renames
 * it into place; on any failure the temporary file is removed. Errors: a folder or file that
 * cannot be written is a StagingError from {@link downloadWriteError}; a parsl-ts error `write`
 * throws (e.g. its own StagingError) passes as it is; anything else goes through `describe`, which
 * turns the scheme's transfer failures into StagingErrors.
 *
 * @param url - the URL as shown in errors (without its password, see {@link redactUrl})
 * @param localPath - where the file must end up
 * @param write - fills the temporary file whose path it gets
 * @param describe - the StagingError for a failure of `write` that is not a local write error
 * @since 0.1.1
 * @example
 * ```ts
 * await downloadToFile(shown, '/tmp/task-1/x.csv', (part) => client.downloadTo(part, '/pub/x.csv'), (cause) => transferError(shown, cause));
 * ```
 */
export async function downloadToFile(
  url: string, localPath: string, write: (partPath: string) => Promise<void>, describe: (cause: unknown) => Error,
): Promise<void> {
  const part = `${localPath}.part-${randomBytes(4).toString('hex')}`;
  try {
    try {
      await mkdir(dirname(localPath), { recursive: true });
    } catch (cause) {
      throw downloadWriteError(url, localPath, cause);
    }
    try {
      await write(part);
    } catch (cause) {
      if (cause instanceof ParslError) throw cause;
      const code = (cause as NodeJS.ErrnoException)?.code;
      if (typeof code === 'string' && LOCAL_WRITE_CODES.includes(code)) throw downloadWriteError(url, localPath, cause);
      throw describe(cause);
    }
    try {
      await rename(part, localPath);
    } catch (cause) {
      throw downloadWriteError(url, localPath, cause);
    }
  } catch (error) {
    await rm(part, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * The StagingError for a downloaded file that cannot be written to `localPath` (a folder that is
 * not writable, a full disk): names the path and the system error code, and says what to do.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * throw downloadWriteError('https://h/x.csv', '/ro/x.csv', Object.assign(new Error('denied'), { code: 'EACCES' }));
 * ```
 */
export function downloadWriteError(url: string, localPath: string, cause: unknown): StagingError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  return new StagingError(url, `cannot write ${localPath}${code ? ` (${code})` : ''}`, {
    cause, hint: code === 'EACCES' || code === 'EROFS' ? 'the folder is not writable: choose a workingDir the task may write to' : 'check the working directory and the free space',
  });
}

/**
 * The StagingError for a download stopped because the workflow is shutting down.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * if (signal?.aborted) throw downloadStoppedError(url, cause);
 * ```
 */
export function downloadStoppedError(url: string, cause: unknown): StagingError {
  return new StagingError(url, 'the download was stopped (the workflow is shutting down)', { cause });
}

/**
 * The StagingError for a server that sent nothing for `timeoutSeconds`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * throw silentServerError(url, 60, cause);
 * ```
 */
export function silentServerError(url: string, timeoutSeconds: number, cause: unknown): StagingError {
  return new StagingError(url, `the server sent nothing for ${timeoutSeconds} s`, { cause, hint: 'check that the server is up, or raise timeoutSeconds' });
}
