import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon } from '@parsl-ts/testing';

/** Where Debian's vsftpd package puts the daemon. */
export const VSFTPD = '/usr/sbin/vsftpd';

/** A real FTP server (Debian's vsftpd) started by a test. */
export interface FtpServer {
  /** The folder anonymous users see as `/`. */
  readonly root: string;
  readonly port: number;
  /** `ftp://127.0.0.1:<port><path>`. */
  url(path: string): string;
  /** Stop the server and every session process, and wait until they are gone. */
  stop(): Promise<void>;
}

/**
 * Start vsftpd on 127.0.0.1 on a free port, serving `root` read-only to anonymous users, as a
 * child process in a process group of its own (reaped by `stop()`, and killed if the test process
 * exits). Anonymous users may only download world-readable files (vsftpd's default), so a file
 * with mode 0600 gives a real permission error. Fails with a clear message when vsftpd is not
 * installed: the tests need it (`apt-get install vsftpd`, see tools/setup/system-packages.txt).
 */
export async function startVsftpd(root: string): Promise<FtpServer> {
  try {
    accessSync(VSFTPD, constants.X_OK);
  } catch {
    throw new Error(`${VSFTPD} is not installed: the FTP staging tests run a real vsftpd (apt-get install vsftpd)`);
  }
  // Anonymous sessions run as the unprivileged `ftp` user, which must be able to enter the root.
  chmodSync(root, 0o755);
  const confDir = mkdtempSync(join(tmpdir(), 'parsl-vsftpd-'));
  const conf = join(confDir, 'vsftpd.conf');
  try {
    const daemon = await startTestDaemon({
      name: 'vsftpd', program: VSFTPD, banner: '220',
      args: (port) => {
        writeFileSync(conf, [
          'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${port}`, 'background=NO',
          'anonymous_enable=YES', 'local_enable=NO', 'write_enable=NO', `anon_root=${root}`, 'no_anon_password=YES',
          'anon_world_readable_only=YES', 'pasv_enable=YES', 'pasv_address=127.0.0.1', 'connect_from_port_20=NO',
          'secure_chroot_dir=/var/run/vsftpd/empty', 'seccomp_sandbox=NO', 'xferlog_enable=NO', 'use_localtime=NO',
          // Not root (a developer's machine): sessions run as the launching user, who must not be root-like.
          ...(process.getuid?.() === 0 ? [] : ['run_as_launching_user=YES']),
          '',
        ].join('\n'));
        return [conf];
      },
    });
    return {
      root, port: daemon.port,
      url: (path) => `ftp://127.0.0.1:${daemon.port}${path}`,
      stop: async () => {
        await daemon.stop();
        rmSync(confDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(confDir, { recursive: true, force: true });
    throw error;
  }
}
