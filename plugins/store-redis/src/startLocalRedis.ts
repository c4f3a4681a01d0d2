import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParslError } from '@parsl-ts/core';

/**
 * A redis-server started by {@link startLocalRedis}.
 *
 * @since 0.1.0
 */
export interface LocalRedis {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** Its process id. */
  readonly pid: number;
  /** Stop it (SIGTERM, then SIGKILL after 5 s) and remove its folder. */
  stop(): Promise<void>;
}

/** The code of the error raised when no redis-server can be started. */
export const NO_REDIS_SERVER = 'PARSL_STORE_REDIS_NO_SERVER';

/**
 * Start a private redis-server on 127.0.0.1 at a free port, without persistence, for tests and
 * for workflows that run on one machine. It is stopped by `stop()`, and killed when this process
 * exits. Needs the `redis-server` program (Debian/Ubuntu: `apt-get install redis-server`).
 *
 * @param options - `command`: the program (default `redis-server`); `timeoutMs`: bound of the start (default 10000)
 * @since 0.1.0
 * @example
 * ```ts
 * const redis = await startLocalRedis();
 * const store = redisStore({ host: redis.host, port: redis.port });
 * // ...
 * await redis.stop();
 * ```
 */
export async function startLocalRedis(options: { command?: string; timeoutMs?: number } = {}): Promise<LocalRedis> {
  const command = options.command ?? 'redis-server';
  const timeoutMs = options.timeoutMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'parsl-ts-redis-'));
    try {
      return await launch(command, port, dir, timeoutMs);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      if (error instanceof ParslError && error.code === NO_REDIS_SERVER) throw error;
      lastError = error; // most likely the port was taken meanwhile: try another
    }
  }
  throw new ParslError(NO_REDIS_SERVER, `redis-server did not start: ${(lastError as Error)?.message ?? lastError}`, { cause: lastError });
}

function launch(command: string, port: number, dir: string, timeoutMs: number): Promise<LocalRedis> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (cause) {
      reject(noServer(command, cause));
      return;
    }
    let output = '';
    const killOnExit = (): void => { child.kill('SIGKILL'); };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not report ready within ${timeoutMs} ms: ${output.slice(-500)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      child.stderr?.resume();
      process.once('exit', killOnExit);
      resolve({
        host: '127.0.0.1', port, pid: child.pid!,
        stop: () => new Promise<void>((done) => {
          process.off('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null) {
            rmSync(dir, { recursive: true, force: true });
            done();
            return;
          }
          const force = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(force);
            rmSync(dir, { recursive: true, force: true });
            done();
          });
          child.kill('SIGTERM');
        }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('error', (cause) => {
      clearTimeout(timer);
      reject((cause as NodeJS.ErrnoException).code === 'ENOENT' ? noServer(command, cause) : cause);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${signal ?? `code ${code}`} while starting: ${output.slice(-500)}`));
    });
  });
}

function noServer(command: string, cause: unknown): ParslError {
  return new ParslError(NO_REDIS_SERVER, `${command} cannot be run: ${(cause as Error)?.message ?? cause}`, {
    cause, hint: 'install Redis (Debian/Ubuntu: apt-get install redis-server), or pass { command: "/path/to/redis-server" }',
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
