import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParslError, app, loadConfig, type DataFlowKernel, type ProxyStore, type Serializer } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';
import { msgpackSerializer } from '@parsl-ts/serializer-msgpack';
import { fileStore } from '@parsl-ts/store-fs';
import { NO_REDIS_SERVER, redisStore, startLocalRedis, type LocalRedis } from '@parsl-ts/store-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxySerializer } from '@parsl-ts/serializer-proxy';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'parsl-proxy-htex-'));
let redis: LocalRedis | undefined;
let redisMissing: string | undefined;

beforeAll(async () => {
  try {
    redis = await startLocalRedis();
  } catch (error) {
    if (!(error instanceof ParslError && error.code === NO_REDIS_SERVER) || process.env.CI === 'true') throw error;
    redisMissing = error.message;
  }
}, 30_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Digest of its argument, computed on the worker: the worker really had all the bytes. */
const digest = app(async (data: Uint8Array) => {
  const { createHash: hash } = await import('node:crypto');
  return { length: data.length, sha256: hash('sha256').update(data).digest('hex') };
});

/**
 * Bytes the interchange process moved through read/write system calls (/proc/<pid>/io rchar +
 * wchar): every byte of a task that goes through it is written to a worker pool's socket at least.
 */
function interchangeIo(): number {
  const ids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  let total = 0;
  let found = 0;
  for (const pid of ids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('interchange/main.js')) continue;
      const io = readFileSync(`/proc/${pid}/io`, 'utf8');
      total += Number(/rchar: (\d+)/.exec(io)![1]) + Number(/wchar: (\d+)/.exec(io)![1]);
      found++;
    } catch { /* the process ended meanwhile */ }
  }
  if (found !== 1) throw new Error(`expected one interchange child process, found ${found}`);
  return total;
}

async function withHtex<T>(serializer: Serializer | undefined, body: (dfk: DataFlowKernel) => Promise<T>): Promise<T> {
  const executor = new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 1, maxMessageBytes: 128 * MB,
    provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  });
  const dfk = await loadConfig({
    executors: [executor], runDir: join(dir, 'runinfo'), strategy: 'none', serializer: msgpackSerializer(),
    ...(serializer ? { executorSerializers: { htex: serializer } } : {}),
  });
  try {
    await digest(new Uint8Array(8)); // workers are up
    return await body(dfk);
  } finally {
    await dfk.cleanup();
  }
}

function pseudoRandom(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let x = 0x9e3779b9;
  for (let i = 0; i + 4 <= bytes; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  return out;
}

async function sendThroughProxy(store: ProxyStore): Promise<{ interchangeBytes: number }> {
  const data = pseudoRandom(200 * MB);
  const expected = createHash('sha256').update(data).digest('hex');
  return withHtex(proxySerializer({ inner: msgpackSerializer(), store, threshold: MB }), async () => {
    const before = interchangeIo();
    const result = await digest(data);
    const interchangeBytes = interchangeIo() - before;
    expect(result).toEqual({ length: 200 * MB, sha256: expected });
    return { interchangeBytes };
  });
}

describe('a 200 MB argument through the proxy serializer to an HTEX worker', () => {
  it('control: without the proxy, the probe sees an argument\'s bytes cross the interchange', async () => {
    const data = pseudoRandom(20 * MB);
    const moved = await withHtex(undefined, async () => {
      const before = interchangeIo();
      expect((await digest(data)).length).toBe(20 * MB);
      return interchangeIo() - before;
    });
    console.log(`interchange moved ${moved} bytes for a 20 MB argument without the proxy`);
    expect(moved).toBeGreaterThan(20 * MB);
  }, 120_000);

  it('with the shared-filesystem store: the bytes go through the folder, not the interchange', async () => {
    const storeDir = join(dir, 'proxystore');
    const { interchangeBytes } = await sendThroughProxy(fileStore({ dir: storeDir }));
    console.log(`interchange moved ${interchangeBytes} bytes for a 200 MB argument (store-fs)`);
    expect(interchangeBytes).toBeLessThan(1 * MB);
    const sizes = readdirSync(storeDir).map((f) => statSync(join(storeDir, f)).size);
    expect(sizes).toContain(200 * MB);
  }, 180_000);

  it('with the Redis store: the bytes go through redis-server, not the interchange', async (context) => {
    if (redisMissing) context.skip(`redis-server is not installed (${redisMissing}); CI fails instead`);
    const store = redisStore({ host: redis!.host, port: redis!.port, ttlSeconds: 3600 });
    try {
      const { interchangeBytes } = await sendThroughProxy(store);
      console.log(`interchange moved ${interchangeBytes} bytes for a 200 MB argument (store-redis)`);
      expect(interchangeBytes).toBeLessThan(1 * MB);
      expect(redisResidentBytes()).toBeGreaterThan(200 * MB);
    } finally {
      store.close?.();
    }
  }, 180_000);
});

/** Resident memory of the redis-server process: it holds the 200 MB value. */
function redisResidentBytes(): number {
  const status = readFileSync(`/proc/${redis!.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
