import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import AdmZip from 'adm-zip';
import { StagingError } from '@parsl-ts/core';
import { parseZipUrl } from './zipUrl.js';

/**
 * How archives are written (the plain-data options shared by both staging modes).
 *
 * @since 0.1.0
 */
export interface ZipWriteOptions {
  /** How long a stage-out waits for another writer of the same archive, in seconds. Default 60. */
  readonly lockTimeoutSeconds?: number;
}

/** The default wait for an archive's lock, in seconds. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 60;

/**
 * Extract the entry a `zip://` URL names to `localPath` (through a temporary file renamed into
 * place). A missing or unreadable archive, a file that is not a zip archive, and a missing entry
 * are StagingErrors naming the URL.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await extractFromZip('zip:///data/inputs.zip/day-1/a.csv', '/tmp/task-4/a.csv');
 * ```
 */
export async function extractFromZip(url: string, localPath: string): Promise<void> {
  const { archive, entry } = location(url);
  const zip = await openArchive(url, archive);
  const found = zip.getEntry(entry);
  if (found === null || found.isDirectory) {
    throw new StagingError(url, `${archive} has no file ${entry}`, { hint: 'check the path inside the archive (names are case-sensitive)' });
  }
  let data: Buffer;
  try {
    data = found.getData();
  } catch (cause) {
    throw new StagingError(url, `${entry} in ${archive} cannot be read: ${(cause as Error).message}`, { cause, hint: 'the archive may be damaged' });
  }
  await writeAtomically(url, localPath, data);
}

/**
 * Add the file at `localPath` to the archive a `zip://` URL names, under the URL's entry
 * (replacing an entry of that name; creating the archive and its folder when missing). Writers of
 * the same archive — other tasks, threads, processes or nodes on a shared filesystem — take turns
 * through a lock file next to it (`<archive>.lock`); the new archive replaces the old one in one
 * rename, so readers see the old or the new archive, never half of one.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await addToZip('zip:///results/run-1.zip/out/a.txt', '/tmp/task-4/a.txt');
 * ```
 */
export async function addToZip(url: string, localPath: string, options: ZipWriteOptions = {}): Promise<void> {
  const { archive, entry } = location(url);
  let data: Buffer;
  try {
    data = await readFile(localPath);
  } catch (cause) {
    throw new StagingError(url, `cannot read the output ${localPath} (${(cause as NodeJS.ErrnoException).code ?? cause})`, { cause, hint: 'the app must write its output at the File\'s filepath' });
  }
  try {
    await mkdir(dirname(archive), { recursive: true });
  } catch (cause) {
    throw new StagingError(url, `cannot create the folder of ${archive} (${(cause as NodeJS.ErrnoException).code ?? cause})`, { cause, hint: 'choose an archive path the task may write to' });
  }
  await withArchiveLock(url, archive, (options.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS) * 1000, async () => {
    let exists = true;
    try {
      await access(archive, constants.F_OK);
    } catch {
      exists = false;
    }
    const zip = exists ? await openArchive(url, archive) : new AdmZip();
    zip.addFile(entry, data);
    // adm-zip's synchronous toBuffer: its toBufferPromise (0.6.1) mis-reads entries it loaded from
    // an archive and throws from a zlib callback, out of reach of any catch.
    await writeAtomically(url, archive, zip.toBuffer());
  });
}

function location(url: string): { archive: string; entry: string } {
  try {
    return parseZipUrl(url);
  } catch (cause) {
    throw new StagingError(url, (cause as Error).message, { cause, hint: (cause as { hint?: string }).hint ?? 'check the URL' });
  }
}

async function openArchive(url: string, archive: string): Promise<AdmZip> {
  try {
    await access(archive, constants.R_OK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new StagingError(url, code === 'ENOENT' ? `the archive ${archive} does not exist` : `the archive ${archive} cannot be read (${code})`, {
      cause, hint: code === 'ENOENT' ? 'check the archive path in the URL' : 'the user running the task may not read the archive: check its permissions',
    });
  }
  try {
    return new AdmZip(archive);
  } catch (cause) {
    throw new StagingError(url, `${archive} is not a readable zip archive: ${(cause as Error).message}`, { cause, hint: 'the file is damaged or not a zip archive' });
  }
}

async function writeAtomically(url: string, path: string, data: Buffer): Promise<void> {
  const part = `${path}.part-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(part, data);
    await rename(part, path);
  } catch (cause) {
    await rm(part, { force: true }).catch(() => undefined);
    throw new StagingError(url, `cannot write ${path} (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      cause, hint: 'check that the folder is writable and has space',
    });
  }
}

/**
 * Run `work` holding `<archive>.lock`, made with an exclusive create. A lock left by a process of
 * this host that no longer runs is taken over; otherwise the wait is bounded by `timeoutMs`.
 */
async function withArchiveLock(url: string, archive: string, timeoutMs: number, work: () => Promise<void>): Promise<void> {
  const lockPath = `${archive}.lock`;
  const token = `${hostname()} ${process.pid} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(token);
      await handle.close();
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StagingError(url, `cannot create the lock ${lockPath} (${(cause as NodeJS.ErrnoException).code ?? cause})`, { cause, hint: 'the archive\'s folder must be writable' });
      }
    }
    if (await staleLock(lockPath)) continue;
    if (Date.now() >= deadline) {
      throw new StagingError(url, `another writer held ${lockPath} for ${timeoutMs / 1000} s`, {
        hint: `if no task writes to ${archive}, remove the lock file; otherwise raise lockTimeoutSeconds`,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  try {
    await work();
  } finally {
    // Remove the lock only if it is still ours.
    const held = await readFile(lockPath, 'utf8').catch(() => '');
    if (held === token) await rm(lockPath, { force: true });
  }
}

/** True (and the lock removed) when the lock's writer ran on this host and is gone. */
async function staleLock(lockPath: string): Promise<boolean> {
  const held = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (held === undefined) return true; // released meanwhile: try again at once
  const [host, pid] = held.split(' ');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') return false;
  }
  if ((await readFile(lockPath, 'utf8').catch(() => undefined)) === held) await rm(lockPath, { force: true });
  return true;
}
