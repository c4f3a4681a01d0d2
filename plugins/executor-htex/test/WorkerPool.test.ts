// The worker pool on its own: workers started before the pool (by parsl-ts-worker-pool, while it
// loads its modules) are taken over, also when one of them has ended already.
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
// The built pool: it starts dist/worker/main.js (the sources have no runnable worker).
import { WorkerPool } from '../dist/manager/WorkerPool.js';

const servers: WebSocketServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A WebSocket server that accepts connections and never says hello: the pool stays before its handshake. */
async function silentInterchange(): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((done) => server.once('listening', done));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('WorkerPool', () => {
  it('replaces a worker started before the pool that ended before the pool took it over', async () => {
    // Its 'exit' was emitted before the pool existed, to no listener.
    const early = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    children.push(early);
    await new Promise((done) => early.once('exit', done));
    await new Promise((done) => setTimeout(done, 50));

    const lines: string[] = [];
    const pool = new WorkerPool({
      url: await silentInterchange(), secret: 's', blockId: '0', managerId: 'm-early', workers: 1, prefetch: 0, protocol: 1,
      version: '0.0.0', accelerators: [], drainAfterSeconds: 0, fingerprint: undefined, baseDir: process.cwd(),
      maxMessageBytes: 1 << 20, log: (line) => lines.push(line), startedWorkers: [early],
    });
    await pool.start();
    const deadline = Date.now() + 10_000;
    while (!lines.some((line) => line.includes('worker rank 0 exited (3); starting a replacement')) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(lines).toContain('worker rank 0 exited (3); starting a replacement');
    const replacement = (pool as unknown as { slots: Array<{ process: ChildProcess }> }).slots[0]!.process;
    expect(replacement).not.toBe(early);
    expect([replacement.exitCode, replacement.signalCode]).toEqual([null, null]);

    await pool.stop(0);
    await expect(pool.exited).resolves.toBe(0);
    expect(replacement.exitCode !== null || replacement.signalCode !== null).toBe(true);
  });
});
