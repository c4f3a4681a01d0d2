import { ConfigError } from '@parsl-ts/core';

/**
 * How rsync is run (the plain-data options shared by both staging modes).
 *
 * @since 0.1.0
 */
export interface RsyncOptions {
  /** rsync's options for every transfer. Default `['--archive']`. */
  readonly rsyncOptions?: readonly string[];
  /** rsync's I/O timeout (`--timeout`) and ssh's connect timeout, in seconds. Default 60. */
  readonly timeoutSeconds?: number;
  /** An ssh private key for `rsync://host/...` URLs (`ssh -i`). Default: ssh's own choice. */
  readonly identityFile?: string;
  /** More ssh options, e.g. `['-o', 'StrictHostKeyChecking=accept-new']`. */
  readonly sshOptions?: readonly string[];
  /** The rsync program. Default `rsync` (found on PATH). */
  readonly rsync?: string;
  /** The ssh program. Default `ssh` (found on PATH). */
  readonly ssh?: string;
}

/** The default I/O timeout, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * Where an `rsync://` URL points: `rsync:///abs/path` is a path on the machine that runs the
 * transfer; `rsync://[user@]host[:port]/abs/path` is `host:/abs/path` reached over ssh (rsync's
 * remote-shell transport; the rsync daemon protocol is not used).
 *
 * @since 0.1.0
 */
export interface RsyncLocation {
  /** `[user@]host` for a remote location; undefined for a local path. */
  readonly host: string | undefined;
  /** The ssh port, when the URL gives one. */
  readonly port: number | undefined;
  /** The absolute path. */
  readonly path: string;
}

/**
 * Read an `rsync://` URL (see {@link RsyncLocation}).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * parseRsyncUrl('rsync://me@hpc.example.org:2222/scratch/out.txt'); // { host: 'me@hpc.example.org', port: 2222, path: '/scratch/out.txt' }
 * ```
 */
export function parseRsyncUrl(url: string): RsyncLocation {
  const parsed = new URL(url);
  if (parsed.protocol !== 'rsync:') throw new ConfigError(`not an rsync:// URL: ${url}`, { hint: 'write rsync:///abs/path or rsync://user@host/abs/path' });
  const path = decodeURIComponent(parsed.pathname);
  if (!path.startsWith('/') || path.length < 2) {
    throw new ConfigError(`${url} names no absolute path`, { hint: 'write rsync:///abs/path (three slashes) or rsync://user@host/abs/path' });
  }
  if (parsed.hostname === '') return { host: undefined, port: undefined, path };
  const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
  return { host: `${user}${parsed.hostname}`, port: parsed.port === '' ? undefined : Number(parsed.port), path };
}

/**
 * The rsync command line (program first) that copies the file `url` names to `localPath`
 * (`in`) or `localPath` to where `url` names (`out`; missing folders on the way are created with
 * `--mkpath`). Over ssh, ssh runs in batch mode (never asks for a password) with a connect timeout.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * rsyncCommand('out', 'rsync://me@hpc/scratch/o.txt', '/tmp/t/o.txt', {});
 * // ['rsync', '--archive', '--timeout=60', '--mkpath', '-e', "ssh -o BatchMode=yes -o ConnectTimeout=60", '/tmp/t/o.txt', 'me@hpc:/scratch/o.txt']
 * ```
 */
export function rsyncCommand(direction: 'in' | 'out', url: string, localPath: string, options: RsyncOptions): string[] {
  const location = parseRsyncUrl(url);
  const timeout = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const argv = [options.rsync ?? 'rsync', ...(options.rsyncOptions ?? ['--archive']), `--timeout=${timeout}`];
  if (direction === 'out') argv.push('--mkpath');
  let remote: string;
  if (location.host === undefined) {
    remote = location.path;
  } else {
    const ssh = [
      options.ssh ?? 'ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${timeout}`,
      ...(location.port !== undefined ? ['-p', String(location.port)] : []),
      ...(options.identityFile !== undefined ? ['-i', options.identityFile] : []),
      ...(options.sshOptions ?? []),
    ];
    argv.push('-e', ssh.map(shellWord).join(' '));
    remote = `${location.host}:${location.path}`;
  }
  argv.push(...(direction === 'in' ? [remote, localPath] : [localPath, remote]));
  return argv;
}

/**
 * Quote a word for rsync's own splitting of `-e`: words are separated by spaces, quotes keep a
 * word together, and a doubled quote inside quotes stands for itself (no backslashes).
 */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "''")}'`;
}
