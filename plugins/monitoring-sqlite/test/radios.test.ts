/**
 * The UDP and filesystem radios deliver everything: from other processes, through a link that
 * drops, duplicates and reorders datagrams, with records larger than a datagram, and (filesystem)
 * from a sender killed with SIGKILL after it flushed. A workflow whose DataFlowKernel sends through
 * each radio is recorded completely.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, loadConfig, type MonitoringRecord } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { FilesystemRadio, MonitoringHub, UdpRadio } from '@parsl-ts/monitoring-sqlite';
import { captureError } from '@parsl-ts/testing';
import { openReadOnly, rows } from './helpers/database.js';

const SENDER = fileURLToPath(new URL('./fixtures/radioSender.mjs', import.meta.url));
let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-radios-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Run the sender fixture; resolves when it exits (close mode) or prints "sent" (hang mode). */
function runSender(kind: 'udp' | 'filesystem', target: string | number, runId: string, count: number, mode: 'close' | 'hang'): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SENDER, kind, String(target), runId, String(count), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sender did not finish: ${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => { if (mode === 'hang' && d.toString().includes('sent')) { clearTimeout(timer); resolve(child); } });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(child);
      else reject(new Error(`sender exited with ${code}: ${stderr}`));
    });
  });
}

function blocksOf(database: string, runId: string): { executor: string; block_id: string; message: string | null }[] {
  const db = openReadOnly(database);
  try {
    return rows(db, 'SELECT executor, block_id, message FROM block WHERE run_id = ? ORDER BY id', runId);
  } finally {
    db.close();
  }
}

/** Every sender's records arrived exactly once and in order, the big ones intact. */
function expectComplete(blocks: { executor: string; block_id: string; message: string | null }[], senders: number, count: number): void {
  const bySender = new Map<string, { block_id: string; message: string | null }[]>();
  for (const b of blocks) bySender.set(b.executor, [...(bySender.get(b.executor) ?? []), b]);
  expect(bySender.size).toBe(senders);
  for (const list of bySender.values()) {
    expect(list.map((b) => Number(b.block_id))).toEqual(Array.from({ length: count }, (_, i) => i));
    for (const b of list) if (Number(b.block_id) % 100 === 0) expect(b.message).toBe(`big ${b.block_id} `.repeat(20_000));
  }
}

describe('UDP radio', () => {
  it('delivers every record of several sender processes, records larger than a datagram included', async () => {
    const hub = new MonitoringHub({ database: join(dir, 'm.db'), udp: true, resourceMonitoringInterval: 0 });
    await hub.start({ runId: 'udp-run', runDir: join(dir, 'run') });
    const port = hub.udpPort!;
    expect(port).toBeGreaterThan(0);
    await Promise.all([0, 1, 2].map(() => runSender('udp', port, 'udp-run', 3000, 'close')));
    await hub.stop();
    expectComplete(blocksOf(join(dir, 'm.db'), 'udp-run'), 3, 3000);
  });

  it('loses nothing through a link that drops, duplicates and reorders datagrams', async () => {
    const hub = new MonitoringHub({ database: join(dir, 'm.db'), udp: true, resourceMonitoringInterval: 0 });
    await hub.start({ runId: 'lossy', runDir: join(dir, 'run') });
    // A real UDP relay between radio and hub: drops every 7th datagram each way, sends every 5th
    // twice, and holds every 11th back until after the next one.
    const relay = createSocket('udp4');
    await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', () => resolve()));
    let radioAddress: { port: number } | undefined;
    let n = 0;
    let held: (() => void) | undefined;
    let dropped = 0;
    relay.on('message', (message, remote) => {
      const fromHub = remote.port === hub.udpPort;
      if (!fromHub) radioAddress = { port: remote.port };
      const to = fromHub ? radioAddress!.port : hub.udpPort!;
      n++;
      if (n % 7 === 0) { dropped++; return; }
      const forward = (): void => relay.send(message, to, '127.0.0.1');
      if (n % 11 === 0 && !held) { held = forward; return; }
      forward();
      if (n % 5 === 0) forward();
      if (held) { const h = held; held = undefined; h(); }
    });
    const radio = new UdpRadio({ port: (relay.address()).port, maxDatagramBytes: 1024, retransmitMs: 50 });
    const sent: MonitoringRecord[] = [];
    for (let i = 0; i < 1200; i++) {
      const record: MonitoringRecord = { kind: 'block', runId: 'lossy', time: i, executor: 'relay', blockId: String(i), state: 'running', ...(i % 100 === 0 ? { message: `big ${i} `.repeat(20_000) } : {}) };
      sent.push(record);
      radio.send(record);
      if (i % 250 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await radio.close();
    relay.close();
    await hub.stop();
    expect(dropped).toBeGreaterThan(10);
    expectComplete(blocksOf(join(dir, "m.db"), "lossy"), 1, 1200);
  });

  it('close() rejects with PARSL_MONITORING_UNDELIVERED when no hub answers, within its bound', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    const radio = new UdpRadio({ port: silent.address().port, closeTimeout: 0.5 });
    radio.send({ kind: 'block', runId: 'x', time: 0, executor: 'e', blockId: '0', state: 'running' });
    const started = Date.now();
    const error = await captureError(() => radio.close());
    silent.close();
    expect(error).toMatchObject({ code: 'PARSL_MONITORING_UNDELIVERED' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('filesystem radio', () => {
  it('delivers every record of several sender processes, and removes the files it has read', async () => {
    const hub = new MonitoringHub({ database: join(dir, 'm.db'), filesystem: { pollInterval: 50 }, resourceMonitoringInterval: 0 });
    await hub.start({ runId: 'fs-run', runDir: join(dir, 'run') });
    const spool = hub.spoolDir!;
    expect(spool).toBe(join(dir, 'run', 'monitoring-spool'));
    await Promise.all([0, 1, 2].map(() => runSender('filesystem', spool, 'fs-run', 3000, 'close')));
    await hub.stop();
    expectComplete(blocksOf(join(dir, 'm.db'), 'fs-run'), 3, 3000);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('keeps what a sender appended before it was killed with SIGKILL', async () => {
    const hub = new MonitoringHub({ database: join(dir, 'm.db'), filesystem: true, resourceMonitoringInterval: 0 });
    await hub.start({ runId: 'killed', runDir: join(dir, 'run') });
    const child = await runSender('filesystem', hub.spoolDir!, 'killed', 1500, 'hang');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await hub.stop();
    expectComplete(blocksOf(join(dir, 'm.db'), 'killed'), 1, 1500);
    // Its file stays (no sender closed it), fully read.
    expect(readdirSync(hub.spoolDir!).filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
  });

  it('a radio that never sent leaves nothing behind', async () => {
    const radio = new FilesystemRadio({ dir: join(dir, 'spool') });
    await radio.close();
    expect(existsSync(radio.file)).toBe(false);
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
  });
});

describe('the DataFlowKernel through each radio', () => {
  for (const radio of ['in-process', 'udp', 'filesystem'] as const) {
    it(`records every transition of 500 tasks through the ${radio} radio`, async () => {
      const database = join(dir, `${radio}.db`);
      const dfk = await loadConfig({
        runDir: join(dir, 'runinfo'), executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
        monitoring: new MonitoringHub({ database, radio, resourceMonitoringInterval: 0 }),
      });
      const square = app((x: number) => x * x, { name: 'square' });
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => square(i)));
      expect(results[7]).toBe(49);
      const runId = dfk.runId;
      await dfk.cleanup();
      const db = openReadOnly(database);
      expect(rows(db, 'SELECT state, count(*) AS n FROM status WHERE run_id = ? GROUP BY state ORDER BY state', runId)).toEqual([
        { state: 'exec_done', n: 500 }, { state: 'launched', n: 500 }, { state: 'running', n: 500 }, { state: 'unsched', n: 500 },
      ]);
      expect(rows(db, 'SELECT count(*) AS n, max(seq) AS last FROM status WHERE run_id = ?', runId)).toEqual([{ n: 2000, last: 1999 }]);
      expect(rows(db, "SELECT status FROM workflow WHERE run_id = ?", runId)).toEqual([{ status: 'completed' }]);
      db.close();
    });
  }
});
