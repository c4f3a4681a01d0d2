import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { processGroupMembers } from './processGroupMembers.js';

/**
 * How {@link startTestDaemon} starts a server program for a test.
 *
 * @since 0.1.1
 */
export interface TestDaemonSpec {
  /** The server's name in errors, e.g. `vsftpd`. */
  readonly name: string;
  /** The program to run (an absolute path). */
  readonly program: string;
  /**
   * The program's arguments for a server listening on 127.0.0.1:`port` in the foreground; may
   * write the configuration file they name (called once per attempt, with a fresh port).
   */
  readonly args: (port: number) => readonly string[];
  /** What the server's first bytes start with once it accepts connections, e.g. `220` or `SSH-2.0`. */
  readonly banner: string;
  /** How long to wait for the banner, per attempt. Default 5000 ms. */
  readonly startTimeoutMs?: number;
}

/**
 * A server program started by {@link startTestDaemon}.
 *
 * @since 0.1.1
 */
export interface TestDaemon {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /**
   * Let the server's session processes end (at most 2 s), then SIGTERM its process group, SIGKILL
   * after 3 s, and wait until the server has exited; no process of the group is left.
   */
  stop(): Promise<void>;
}

/**
 * Start a real server program (an FTP server, sshd, ...) for a test, on a free port of 127.0.0.1:
 * a child process in a process group of its own (so `stop()` reaps its session processes too, and
 * the group is killed if the test process exits), ready once it greets a connection with `banner`.
 * A port taken between choosing and binding is retried on another one (5 attempts). Fails with
 * the server's stderr when it exits or does not greet within `startTimeoutMs`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const daemon = await startTestDaemon({
 *   name: 'sshd', program: '/usr/sbin/sshd', banner: 'SSH-2.0',
 *   args: (port) => { writeConfig(port); return ['-D', '-e', '-f', configPath]; },
 * });
 * try { ... } finally { await daemon.stop(); }
 * ```
 */
export async function startTestDaemon(spec: TestDaemonSpec): Promise<TestDaemon> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(spec.program, [...spec.args(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const killGroup = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', killGroup);
    try {
      await waitForBanner(spec, port, child, () => stderr);
      return {
        port,
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
  throw new Error(`${spec.name} did not start: ${(lastError as Error)?.message ?? String(lastError)}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wait (bounded) until the server greets with its banner, or fail if it exits. */
async function waitForBanner(spec: TestDaemonSpec, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const timeoutMs = spec.startTimeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    }
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (data) => done(data.toString().startsWith(spec.banner)));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${spec.name} did not answer on port ${port} within ${timeoutMs / 1000} s: ${stderr().trim()}`);
}

/** Let sessions end, then SIGTERM the group, SIGKILL after 3 s, and wait for the server to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Sessions whose client has quit end on their own within moments; let the server reap them
  // (killed with it, they would be left to PID 1).
  for (const deadline = Date.now() + 2000; Date.now() < deadline && processGroupMembers(child.pid!).length > 1;) {
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
