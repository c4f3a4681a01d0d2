/**
 * The sidecar's stdio protocol (version 1, docs/taskvine.md), spoken directly in JSON lines, with
 * the real Work Queue manager and a real worker: handshake, stats, submit and results, the
 * backlog's priority order, cancel, refused tasks, a message it does not know, shutdown.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIDECAR_PROTOCOL_VERSION } from '@parsl-ts/executor-taskvine';
import { processesMatching, uniqueMarker, waitUntil } from '@parsl-ts/testing';

const SIDECAR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sidecar', 'parsl_ts_sidecar.py');
const PYTHON = process.env.PARSL_TS_PYTHON ?? '/usr/bin/python3';

type Message = { op: string } & Record<string, unknown>;

/** A sidecar spoken to directly: send lines, wait for the next message that matches. */
class Peer {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly received: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(PYTHON, ['-u', SIDECAR], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.received.push(JSON.parse(line) as Message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  send(message: Message): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** The next message (in order of arrival) for which `match` holds; earlier ones are dropped. */
  async next(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(0, index + 1).pop()!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Every message received so far that matches (without consuming them). */
  seen(match: (m: Message) => boolean): Message[] {
    return this.received.filter(match);
  }
}

let dir: string;
const cleanups: (() => void)[] = [];

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-protocol-')); });
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function peer(): Peer {
  const p = new Peer();
  cleanups.push(() => { if (p.child.exitCode === null) p.child.kill('SIGKILL'); });
  return p;
}

function worker(port: number): void {
  const child = spawn('work_queue_worker', ['--cores', '1', '-t', '30', '--single-shot', '127.0.0.1', String(port)], { stdio: 'ignore', env: { ...process.env, CATALOG_HOST: '127.0.0.1:1' } });
  cleanups.push(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
}

const ready = (m: Message): boolean => m.op === 'ready';
const resultFor = (key: number) => (m: Message): boolean => m.op === 'results' && (m.results as { key: number }[]).some((r) => r.key === key);

describe('the sidecar protocol (version 1), spoken directly', () => {
  it('handshake, stats, submit → results with files, backlog in priority order, cancel, refusal, shutdown → bye', async () => {
    const sidecar = peer();
    const logDir = join(dir, 'logs');
    sidecar.send({ op: 'hello', protocol: SIDECAR_PROTOCOL_VERSION, backend: 'workqueue', port: 0, logDir, window: 1 });
    const hello = await sidecar.next(ready);
    expect(hello).toMatchObject({ protocol: SIDECAR_PROTOCOL_VERSION, backend: 'workqueue', pid: sidecar.child.pid, logs: { transactions: join(logDir, 'transactions.log') } });
    const port = hello.port as number;
    expect(port).toBeGreaterThan(0);

    // Three tasks before any worker: with a window of 1 the manager holds one, the sidecar the rest,
    // and they run highest priority first.
    writeFileSync(join(dir, 'in.txt'), 'payload');
    const order = join(dir, 'order.txt');
    sidecar.send({
      op: 'submit', tasks: [
        { key: 11, command: `echo 11 >> ${order}`, inputs: [], outputs: [], priority: 0 },
        { key: 12, command: `echo 12 >> ${order}; cat in > out`, inputs: [{ local: join(dir, 'in.txt'), remote: 'in' }], outputs: [{ local: join(dir, 'out.txt'), remote: 'out' }], priority: 5 },
        { key: 13, command: `echo 13 >> ${order}`, inputs: [], outputs: [], priority: 1 },
        { key: 14, command: 'true', inputs: [{ local: join(dir, 'in.txt'), remote: '/etc/passwd' }], outputs: [] },
      ],
    });
    const refused = await sidecar.next(resultFor(14));
    expect((refused.results as unknown[])[0]).toMatchObject({ key: 14, result: 'rejected', resultCode: -1, error: expect.stringContaining('must be a relative name') });
    const stats = await sidecar.next((m) => m.op === 'stats');
    expect(stats).toMatchObject({ workersConnected: 0, outstanding: 3, backlog: 2 });

    worker(port);
    // Results come in the order the tasks ran: the highest priority first.
    const keys: number[] = [];
    for (let i = 0; i < 3; i++) {
      const message = await sidecar.next((m) => m.op === 'results');
      for (const r of message.results as { key: number; result: string; exitCode: number }[]) {
        expect(r).toMatchObject({ result: 'success', resultCode: 0, exitCode: 0, host: expect.any(String), worker: expect.stringMatching(/^worker-/) });
        keys.push(r.key);
      }
    }
    expect(keys).toEqual([12, 13, 11]);
    expect(readFileSync(order, 'utf8')).toBe('12\n13\n11\n');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('payload');

    // A running task, cancelled: its command is killed and no result comes.
    const marker = uniqueMarker('cancel');
    sidecar.send({ op: 'submit', tasks: [{ key: 20, command: `bash -c 'exec -a ${marker} sleep 60'`, inputs: [], outputs: [] }] });
    await sidecar.next((m) => m.op === 'running' && (m.keys as number[]).includes(20));
    expect(await waitUntil(() => processesMatching(marker).length > 0, 10_000)).toBe(true);
    sidecar.send({ op: 'cancel', keys: [20] });
    expect(await waitUntil(() => processesMatching(marker).length === 0, 10_000)).toBe(true);
    sidecar.send({ op: 'stats' });
    expect(await sidecar.next((m) => m.op === 'stats' && m.outstanding === 0)).toMatchObject({ workersConnected: 1, backlog: 0 });

    sidecar.send({ op: 'shutdown' });
    await sidecar.next((m) => m.op === 'bye');
    expect(await sidecar.exited).toBe(0);
    expect(sidecar.seen(resultFor(20))).toEqual([]);
  });

  it('a message it does not know is a fatal protocol error, reported before it exits', async () => {
    const sidecar = peer();
    sidecar.send({ op: 'hello', protocol: SIDECAR_PROTOCOL_VERSION, backend: 'workqueue', port: 0, logDir: join(dir, 'logs') });
    await sidecar.next(ready);
    sidecar.send({ op: 'frobnicate' });
    const error = await sidecar.next((m) => m.op === 'error');
    expect(error).toMatchObject({ code: 'internal', fatal: true, message: expect.stringContaining("unknown message op 'frobnicate'") });
    expect(await sidecar.exited).toBe(5);
  });

  it('end of its input (the executor is gone) makes it stop', async () => {
    const sidecar = peer();
    sidecar.send({ op: 'hello', protocol: SIDECAR_PROTOCOL_VERSION, backend: 'workqueue', port: 0, logDir: join(dir, 'logs') });
    await sidecar.next(ready);
    sidecar.child.stdin.end();
    expect(await sidecar.exited).toBe(0);
    expect(sidecar.stderr).toContain('stopped');
  });
});
