import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

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
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(config, [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `AuthorizedKeysFile ${authorizedKeys}`,
      'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`, 'StrictModes no', 'PermitRootLogin prohibit-password', `AllowUsers ${user}`,
      'LogLevel ERROR', '',
    ].join('\n'));
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const killGroup = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', killGroup);
    try {
      await waitForBanner(port, child, () => stderr);
      return {
        port, user, identityFile, wrongIdentityFile,
        sshOptions: ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
        stop: async () => {
          process.off('exit', killGroup);
          await stopGroup(child);
        },
      };
    } catch (error) {
      lastError = error;
      process.off('exit', killGroup);
      await stopGroup(child);
    }
  }
  throw new Error(`sshd did not start: ${(lastError as Error)?.message ?? lastError}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wait (at most 5 s) until sshd sends its `SSH-2.0` banner, or fail if it exits. */
async function waitForBanner(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (data) => done(data.toString().startsWith('SSH-2.0')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on port ${port} within 5 s: ${stderr().trim()}`);
}

/** Let sessions end, then SIGTERM the group, SIGKILL after 3 s, and wait for sshd to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  for (const deadline = Date.now() + 2000; Date.now() < deadline && groupMembers(child.pid!).length > 1;) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
  await exited;
  clearTimeout(timer);
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* all gone */ }
}

/** Live (not zombie) processes in process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return members;
}
