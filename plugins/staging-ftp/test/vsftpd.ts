import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = join(confDir, 'vsftpd.conf');
    writeFileSync(conf, [
      'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${port}`, 'background=NO',
      'anonymous_enable=YES', 'local_enable=NO', 'write_enable=NO', `anon_root=${root}`, 'no_anon_password=YES',
      'anon_world_readable_only=YES', 'pasv_enable=YES', 'pasv_address=127.0.0.1', 'connect_from_port_20=NO',
      'secure_chroot_dir=/var/run/vsftpd/empty', 'seccomp_sandbox=NO', 'xferlog_enable=NO', 'use_localtime=NO',
      // Not root (a developer's machine): sessions run as the launching user, who must not be root-like.
      ...(process.getuid?.() === 0 ? [] : ['run_as_launching_user=YES']),
      '',
    ].join('\n'));
    const child = spawn(VSFTPD, [conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const killGroup = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', killGroup);
    try {
      await waitForBanner(port, child, () => stderr);
      return {
        root, port,
        url: (path) => `ftp://127.0.0.1:${port}${path}`,
        stop: async () => {
          process.off('exit', killGroup);
          await stopGroup(child);
          rmSync(confDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      process.off('exit', killGroup);
      await stopGroup(child);
    }
  }
  rmSync(confDir, { recursive: true, force: true });
  throw new Error(`vsftpd did not start: ${(lastError as Error)?.message ?? lastError}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wait (at most 5 s) until the server greets with `220`, or fail if it exits. */
async function waitForBanner(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`vsftpd exited (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (data) => done(data.toString().startsWith('220')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`vsftpd did not answer on port ${port} within 5 s: ${stderr().trim()}`);
}

/** SIGTERM the server's process group, SIGKILL after 3 s, and wait for the listener to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Sessions whose client has quit end on their own within moments; let the listener reap them
  // (killed with it, they would be left to PID 1).
  for (const deadline = Date.now() + 2000; Date.now() < deadline && groupMembers(child.pid!).length > 1;) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
  await exited;
  clearTimeout(timer);
  // Session processes are in the same group: make sure none is left.
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* all gone */ }
}

/** Live (not zombie) processes in process group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command (which may hold spaces) start at the last ')': state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return members;
}
