import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StagingError } from '@parsl-ts/core';
import { rsyncCommand, type RsyncOptions } from './rsyncCommand.js';

/** How much of rsync's stderr an error quotes. */
const STDERR_TAIL = 2000;
/** Grace between SIGTERM and SIGKILL when a transfer is stopped. */
const KILL_GRACE_MS = 2000;

/**
 * Run rsync to copy the file `url` names to `localPath` (`in`) or `localPath` to `url` (`out`),
 * and wait for it to exit. A failure is a StagingError naming the URL with rsync's exit code, what
 * the code means and the end of its stderr: a missing or unreadable file, ssh refused, a timeout.
 * Aborting `signal` stops rsync (SIGTERM, then SIGKILL) and rejects once it has exited.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await runRsync('out', 'rsync:///archive/run-1/out.txt', '/tmp/task-3/out.txt', {});
 * ```
 */
export async function runRsync(direction: 'in' | 'out', url: string, localPath: string, options: RsyncOptions = {}, signal?: AbortSignal): Promise<void> {
  let argv: string[];
  try {
    argv = rsyncCommand(direction, url, localPath, options);
  } catch (cause) {
    throw new StagingError(url, (cause as Error).message, { cause, hint: (cause as { hint?: string }).hint ?? 'check the URL' });
  }
  const [program, ...args] = argv;
  if (direction === 'in') await mkdir(dirname(localPath), { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(program!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (cause: NodeJS.ErrnoException) => {
      done();
      reject(new StagingError(url, `cannot run ${program}: ${cause.message}`, {
        cause, hint: cause.code === 'ENOENT' ? `install rsync where the transfer runs (Debian: apt-get install rsync openssh-client), or set the rsync option to its path` : 'check the rsync program',
      }));
    });
    child.once('close', (code, signalName) => {
      done();
      if (code === 0) {
        resolve();
        return;
      }
      if (signal?.aborted) {
        reject(new StagingError(url, 'rsync was stopped (the workflow is shutting down)'));
        return;
      }
      reject(exitError(url, code, signalName, stderr.trim(), options.timeoutSeconds));
    });
  });
}

function exitError(url: string, code: number | null, signalName: NodeJS.Signals | null, stderr: string, timeoutSeconds = 60): StagingError {
  const said = stderr.length > 0 ? `: ${stderr.split('\n').slice(-4).join(' | ')}` : '';
  if (code === null) return new StagingError(url, `rsync was killed by ${signalName}${said}`);
  let what: string;
  let hint: string;
  if (/No such file or directory/i.test(stderr)) {
    what = 'a file is missing';
    hint = 'the source does not exist: check the path in the URL (stage-in) or that the app wrote its output (stage-out)';
  } else if (/Permission denied \(publickey|Host key verification failed|Connection refused|Could not resolve hostname|Connection timed out|No route to host/i.test(stderr)) {
    what = 'ssh could not connect';
    hint = 'check that `ssh <host>` works without a password from where the transfer runs (keys, known_hosts, port); set identityFile or sshOptions';
  } else if (/Permission denied|Operation not permitted|Read-only file system/i.test(stderr)) {
    what = 'permission denied';
    hint = 'the user that runs rsync may not read the source or write the destination: check the permissions';
  } else if (code === 30 || code === 35) {
    what = 'timed out';
    hint = `no data moved for ${timeoutSeconds} s: check the network and the other side, or raise timeoutSeconds`;
  } else {
    what = RSYNC_EXIT_CODES[code] ?? 'rsync failed';
    hint = 'see rsync\'s message';
  }
  return new StagingError(url, `rsync exited with code ${code} (${what})${said}`, { hint });
}

/** rsync's exit values (man rsync, EXIT VALUES), for the ones not recognized by their message. */
const RSYNC_EXIT_CODES: Readonly<Record<number, string>> = {
  1: 'syntax or usage error', 2: 'protocol incompatibility', 3: 'errors selecting input/output files or directories',
  5: 'error starting the client-server protocol', 10: 'error in socket I/O', 11: 'error in file I/O',
  12: 'error in the rsync protocol data stream', 14: 'error in IPC code', 20: 'interrupted', 22: 'error allocating memory',
  23: 'partial transfer due to an error', 24: 'partial transfer: source files vanished', 30: 'timeout in data send/receive',
  35: 'timeout waiting for a daemon connection', 255: 'ssh failed',
};
