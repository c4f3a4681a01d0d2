import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { captureError, processesMatching, uniqueMarker, waitUntil } from '../src/helpers.js';
import { startTestDaemon } from '../src/startTestDaemon.js';

/** The first bytes a server sends on a new connection to 127.0.0.1:`port`. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5000, () => { socket.destroy(); reject(new Error('no greeting within 5 s')); });
    socket.once('data', (data) => { socket.destroy(); resolve(data.toString()); });
    socket.once('error', reject);
  });
}

/**
 * A real little server (Node): greets with `HELLO`, and keeps a session process (`sleep`, named
 * by `marker`) in its process group, as vsftpd and sshd do.
 */
const server = (marker: string): string => `
  const { spawn } = require('node:child_process');
  spawn('/bin/bash', ['-c', 'exec -a ${marker} sleep 60'], { stdio: 'ignore' });
  require('node:net').createServer((s) => s.end('HELLO test\\r\\n')).listen(Number(process.argv[1]), '127.0.0.1');
`;

describe('startTestDaemon', () => {
  it('starts a server on a free port, ready when it greets, and stop() reaps its whole process group', async () => {
    const marker = uniqueMarker('daemon');
    const daemon = await startTestDaemon({ name: 'hello', program: process.execPath, args: (port) => ['-e', server(marker), String(port)], banner: 'HELLO' });
    try {
      expect(await greeting(daemon.port)).toBe('HELLO test\r\n');
      // The marker is on both command lines: the server's (in its script) and its session's.
      expect(processesMatching(marker)).toHaveLength(2);
    } finally {
      await daemon.stop();
    }
    expect(await waitUntil(() => processesMatching(marker).length === 0, 5000)).toBe(true);
    expect(await captureError(() => greeting(daemon.port))).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a server that exits fails with its name and stderr, after its retries', async () => {
    const error = await captureError(() => startTestDaemon({
      name: 'broken', program: process.execPath, args: () => ['-e', "console.error('bad config line 3'); process.exit(2)"], banner: 'HELLO',
    }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^broken did not start: broken exited \(2\): bad config line 3$/);
  });

  it('a server that never greets fails within the bound and is reaped', async () => {
    const marker = uniqueMarker('silent');
    const started = Date.now();
    const error = await captureError(() => startTestDaemon({
      name: 'silent', program: '/bin/bash', args: () => ['-c', `exec -a ${marker} sleep 60`], banner: 'HELLO', startTimeoutMs: 300,
    }));
    expect((error as Error).message).toMatch(/^silent did not start: silent did not answer on port \d+ within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(processesMatching(marker)).toEqual([]);
  });
});
