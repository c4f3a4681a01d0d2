import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon } from '@parsl-ts/testing';

/** Where Debian's openssh-server and openssh-client put their programs. */
export const SSHD = '/usr/sbin/sshd';
export const SSH_KEYGEN = '/usr/bin/ssh-keygen';

/** A real OpenSSH server on 127.0.0.1, started by a test, that accepts one generated key. */
export interface SshServer {
  readonly port: number;
  /** The user to log in as (the one running the tests). */
  readonly user: string;
  /** The private key sshd accepts. */
  readonly identityFile: string;
  /** A private key sshd does not accept (for permission errors). */
  readonly wrongIdentityFile: string;
  /** ssh options for a throwaway host key: no known_hosts prompts or writes. */
  readonly sshOptions: readonly string[];
  stop(): Promise<void>;
}

/**
 * Start sshd on a free port of 127.0.0.1 with a host key and a user key generated in `dir`,
 * public-key login only, as a child process in a process group of its own (stopped and reaped by
 * `stop()`, killed if the test process exits). Fails with a clear message when OpenSSH is not
 * installed: the tests need it (`apt-get install openssh-server openssh-client rsync`).
 */
export async function startSshd(dir: string): Promise<SshServer> {
  for (const program of [SSHD, SSH_KEYGEN]) {
    try {
      accessSync(program, constants.X_OK);
    } catch {
      throw new Error(`${program} is not installed: the rsync-over-ssh tests run a real sshd (apt-get install openssh-server openssh-client)`);
    }
  }
  mkdirSync(dir, { recursive: true });
  const key = (name: string): string => {
    const path = join(dir, name);
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', `parsl-ts-test-${name}`, '-f', path]);
    return path;
  };
  const hostKey = key('host_key');
  const identityFile = key('user_key');
  const wrongIdentityFile = key('wrong_key');
  const authorizedKeys = join(dir, 'authorized_keys');
  copyFileSync(`${identityFile}.pub`, authorizedKeys);
  chmodSync(authorizedKeys, 0o600);
  // As root, sshd needs its privilege-separation folder (made by the service, which is not running).
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');
  const daemon = await startTestDaemon({
    name: 'sshd', program: SSHD, banner: 'SSH-2.0',
    args: (port) => {
      writeFileSync(config, [
        `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `AuthorizedKeysFile ${authorizedKeys}`,
        'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
        `PidFile ${join(dir, 'sshd.pid')}`, 'StrictModes no', 'PermitRootLogin prohibit-password', `AllowUsers ${user}`,
        'LogLevel ERROR', '',
      ].join('\n'));
      return ['-D', '-e', '-f', config];
    },
  });
  return {
    port: daemon.port, user, identityFile, wrongIdentityFile,
    sshOptions: ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
    stop: () => daemon.stop(),
  };
}
