import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Packr } from 'msgpackr';
import { app, ErrorCodes, InterchangeLost, jsonSerializer, loadConfig, WIRE_PROTOCOL_VERSION, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';
import { challengeAnswer } from '../src/protocol/auth.js';

let dir: string;
let dfk: DataFlowKernel | undefined;
const packr = new Packr({ useRecords: false });

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-htex-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { blocks?: number; retries?: number; heartbeatThreshold?: number } = {}): Promise<HighThroughputExecutor> {
  const htex = new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 2, heartbeatPeriod: 0.5, heartbeatThreshold: options.heartbeatThreshold ?? 5,
    provider: new LocalProvider({ initBlocks: options.blocks ?? 1, minBlocks: options.blocks ?? 1, maxBlocks: options.blocks ?? 1 }),
  });
  dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), retries: options.retries ?? 0, strategyPeriod: 0.5 });
  await waitFor(() => htex.managers.length === (options.blocks ?? 1), 30_000, 'managers to connect');
  return htex;
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const slowSquare = app(async (x: number) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return x * x;
});
const pidOf = app(() => process.ppid);

/** Open a raw connection to the interchange and return what it answers to `first`. */
function rawPeer(port: number, act: (socket: WebSocket, hello: { nonce: string }) => void): Promise<{ messages: unknown[]; closeCode: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 256 * 1024 * 1024 });
    const messages: unknown[] = [];
    socket.on('message', (data: Buffer) => {
      const message = packr.unpack(data) as { t: string; nonce: string };
      messages.push(message);
      if (message.t === 'hello') act(socket, message);
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => resolve({ messages, closeCode: code }));
  });
}

describe('HighThroughputExecutor faults', () => {
  it('a manager killed with SIGKILL mid-run: its tasks are retried on the other block and the results are right', async () => {
    const htex = await start({ blocks: 2, retries: 2 });
    const futures = Array.from({ length: 40 }, (_, i) => slowSquare(i));
    const managerPids = new Set(await Promise.all([pidOf(), pidOf(), pidOf(), pidOf()]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const victim = [...managerPids][0]!;
    process.kill(victim, 'SIGKILL');
    const results = await Promise.all(futures);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * i));
    await waitFor(() => !htex.managers.some((m) => m.managerId.includes(`-${victim}-`)), 10_000, 'the lost manager to leave the stats');
  });

  it('a killed interchange rejects every pending future promptly with InterchangeLost', async () => {
    const htex = await start();
    const futures = Array.from({ length: 10 }, (_, i) => slowSquare(i));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    process.kill(htex.interchangePid!, 'SIGKILL');
    const outcomes = await Promise.allSettled(futures);
    expect(Date.now() - started).toBeLessThan(10_000);
    const rejected = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(InterchangeLost);
      expect(r.reason.code).toBe(ErrorCodes.InterchangeLost);
    }
  });

  it('refuses a wrong secret, another protocol version, garbage and a 100 MB frame while a workflow keeps running', async () => {
    const htex = await start();
    const running = Promise.all(Array.from({ length: 20 }, (_, i) => slowSquare(i)));
    const port = htex.interchangePort;
    const wrongSecret = await rawPeer(port, (socket, hello) => socket.send(packr.pack({
      t: 'auth', protocol: WIRE_PROTOCOL_VERSION, version: '0.1.0', managerId: 'intruder', blockId: 'x', hostname: 'h', workers: 1, prefetch: 0,
      mac: challengeAnswer('not-the-secret', hello.nonce, 'intruder'),
    })));
    expect(wrongSecret.messages).toContainEqual(expect.objectContaining({ t: 'refused', code: 'PARSL_UNAUTHENTICATED' }));
    const secret = readFileSync(join(dfk!.runDir, 'htex', 'interchange.secret'), 'utf8').trim();
    const oldVersion = await rawPeer(port, (socket, hello) => socket.send(packr.pack({
      t: 'auth', protocol: WIRE_PROTOCOL_VERSION + 1, version: '9.9.9', managerId: 'old', blockId: 'x', hostname: 'h', workers: 1, prefetch: 0,
      mac: challengeAnswer(secret, hello.nonce, 'old'),
    })));
    const refusal = oldVersion.messages.find((m) => (m as { t: string }).t === 'refused') as { code: string; message: string };
    expect(refusal.code).toBe(ErrorCodes.ProtocolMismatch);
    expect(refusal.message).toContain('9.9.9');
    expect(refusal.message).toContain(String(WIRE_PROTOCOL_VERSION));
    const garbage = await rawPeer(port, (socket) => socket.send(Buffer.from([0xc1, 0xff, 0x00, 0x13])));
    expect(garbage.closeCode).toBe(1003);
    const huge = await rawPeer(port, (socket) => socket.send(Buffer.alloc(100 * 1024 * 1024, 1)));
    expect(huge.closeCode).toBe(1009);
    expect(await running).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
    expect(htex.managers).toHaveLength(1);
  });

  it('a worker killed with SIGKILL fails its task with WorkerLost and the retry succeeds', async () => {
    await start({ retries: 1 });
    const hang = app(async (marker: string) => {
      const fs = await import('node:fs');
      if (!fs.existsSync(marker)) {
        fs.writeFileSync(marker, String(process.pid));
        await new Promise((resolve) => setTimeout(resolve, 30_000));
      }
      return 'second try';
    });
    const marker = join(dir, 'worker.pid');
    const future = hang(marker);
    await waitFor(() => { try { return readFileSync(marker, 'utf8').length > 0; } catch { return false; } }, 20_000, 'the task to start');
    process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL');
    expect(await future).toBe('second try');
  });

  it('workers that cannot start fail the tasks with the reason instead of hanging', async () => {
    const json = jsonSerializer();
    // The submit side can use this serializer, but workers cannot import the package it names.
    const unreachable = { ...json, id: json.id, serialize: json.serialize, deserialize: json.deserialize, descriptor: { package: '@acme/parsl-ts-serializer-missing' } };
    const htex = new HighThroughputExecutor({
      label: 'htex', maxWorkersPerNode: 1, heartbeatPeriod: 0.5,
      provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
    });
    dfk = await loadConfig({ executors: [htex], serializer: unreachable, runDir: join(dir, 'runinfo'), strategyPeriod: 0.5 });
    const started = Date.now();
    const error = await slowSquare(3).then(() => undefined, (e: unknown) => e) as { code?: string; message?: string };
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(error?.code).toBe(ErrorCodes.ExecutorStart);
    expect(error?.message).toContain('@acme/parsl-ts-serializer-missing');
  });

  it('serves wss:// with a pinned per-run certificate, and a pool pinning another fingerprint refuses to connect', async () => {
    const htex = new HighThroughputExecutor({
      label: 'htex', maxWorkersPerNode: 1, heartbeatPeriod: 0.5, tls: true,
      provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
    });
    dfk = await loadConfig({ executors: [htex], runDir: join(dir, 'runinfo'), strategyPeriod: 0.5 });
    expect(await slowSquare(7)).toBe(49);
    const htexDir = join(dfk.runDir, 'htex');
    const script = readFileSync(join(htexDir, 'submit_scripts', 'parsl.htex.block-0.sh'), 'utf8');
    expect(script).toMatch(/--url wss:\/\/127\.0\.0\.1:\d+/);
    expect(script).toMatch(/--fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    // The executor learns of managers from the interchange's periodic stats, which may come after
    // the first result: wait for the block's manager before bringing in the impostor.
    await waitFor(() => htex.managers.length === 1, 10_000, 'the manager in the stats');
    const managerId = htex.managers[0]!.managerId;
    // A pool that pins another fingerprint (a man in the middle, from its point of view) stops at once.
    const poolMain = fileURLToPath(new URL('../dist/manager/main.js', import.meta.url));
    const result = spawnSync(process.execPath, [poolMain, '--url', `wss://127.0.0.1:${htex.interchangePort}`, '--secret-file', join(htexDir, 'interchange.secret'),
      '--fingerprint', 'AA:'.repeat(31) + 'AA', '--workers', '1'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(5);
    expect(result.stderr).toContain('is not the pinned');
    // spawnSync held this event loop: let the stats sent meanwhile arrive, then the same manager
    // must still be the only one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(htex.managers.map((manager) => manager.managerId)).toEqual([managerId]);
    expect(await slowSquare(8)).toBe(64);
  });

  it('cleanup leaves no interchange, manager or worker process behind', async () => {
    const htex = await start();
    const managerPid = await pidOf();
    const interchangePid = htex.interchangePid!;
    await dfk!.cleanup();
    dfk = undefined;
    for (const pid of [managerPid, interchangePid]) {
      await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10_000, `process ${pid} to exit`);
    }
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir));
    expect(left).toEqual([]);
  });
});
