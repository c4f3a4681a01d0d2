#!/usr/bin/env node
/**
 * `parsl-ts-worker-pool`: the worker manager of one node, started by a provider through a
 * launcher. Usage:
 *   parsl-ts-worker-pool --url ws://HOST:PORT --secret-file FILE --block-id ID [--workers N]
 *                        [--prefetch N] [--accelerators 0,1] [--max-message-bytes N] [--base-dir DIR]
 *                        [--drain-after SECONDS] [--mem-per-worker MB] [--fingerprint SHA256 (wss://)]
 *                        [--monitoring SECONDS (report tries; sample resources every SECONDS, 0: none)]
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { availableParallelism, totalmem } from 'node:os';
// Only light modules above this line: the workers start before the pool's own modules load.
import { spawnWorker, workerSpawnSettings } from './spawnWorker.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function fail(message: string): never {
  process.stderr.write(`parsl-ts-worker-pool: ${message}\n`);
  process.exit(64);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'secret-file': { type: 'string' },
    'block-id': { type: 'string', default: '0' },
    'manager-id': { type: 'string' },
    workers: { type: 'string' },
    prefetch: { type: 'string', default: '0' },
    accelerators: { type: 'string', default: '' },
    'max-message-bytes': { type: 'string', default: String(64 * 1024 * 1024) },
    protocol: { type: 'string' },
    'base-dir': { type: 'string' },
    fingerprint: { type: 'string' },
    'drain-after': { type: 'string', default: '0' },
    'mem-per-worker': { type: 'string', default: '0' },
    monitoring: { type: 'string' },
  },
  strict: true,
});
if (!values.url || !/^wss?:\/\//.test(values.url)) fail('--url ws://HOST:PORT is required');
if (values.url.startsWith('wss:') && !values.fingerprint) fail('--fingerprint SHA256 is required with wss://');
if (!values['secret-file']) fail('--secret-file is required');
let secret: string;
try {
  secret = readFileSync(values['secret-file'], 'utf8').trim();
} catch (error) {
  fail(`cannot read the secret file ${values['secret-file']}: ${(error as Error).message}`);
}
const memPerWorkerMb = Number(values['mem-per-worker']);
if (!(memPerWorkerMb >= 0)) fail(`--mem-per-worker must be a number of MB >= 0, got ${values['mem-per-worker']}`);
// Memory bounds the workers too: a node runs no more workers than fit in its memory.
const byMemory = memPerWorkerMb > 0 ? Math.max(1, Math.floor(totalmem() / (1024 * 1024) / memPerWorkerMb)) : Infinity;
const workers = Math.min(values.workers === undefined ? availableParallelism() : Number(values.workers), byMemory);
const drainAfterSeconds = Number(values['drain-after']);
if (!(drainAfterSeconds >= 0)) fail(`--drain-after must be a number of seconds >= 0, got ${values['drain-after']}`);
const prefetch = Number(values.prefetch);
if (!Number.isInteger(workers) || workers < 1) fail(`--workers must be a whole number >= 1, got ${values.workers}`);
if (!Number.isInteger(prefetch) || prefetch < 0) fail(`--prefetch must be a whole number >= 0, got ${values.prefetch}`);

// --monitoring SECONDS: report tries to monitoring, and sample resources every SECONDS (0: none).
const monitoringInterval = values.monitoring === undefined ? undefined : Number(values.monitoring);
if (monitoringInterval !== undefined && !(monitoringInterval >= 0)) fail(`--monitoring must be a number of seconds >= 0, got ${values.monitoring}`);

const managerId = values['manager-id'] ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
const accelerators = values.accelerators ? values.accelerators.split(',').filter(Boolean) : [];
const baseDir = values['base-dir'] ?? process.cwd();
const blockId = values['block-id']!;

// Start the workers first: each takes a few hundred milliseconds to boot, and so does loading the
// pool's modules (WebSocket, msgpack). On a node with cores to spare the two overlap.
const spawnSettings = workerSpawnSettings({ baseDir, blockId, accelerators, monitoringInterval });
const startedWorkers = Array.from({ length: workers }, (_, rank) => spawnWorker(rank, spawnSettings));

const [{ WorkerPool }, { WIRE_PROTOCOL_VERSION }] = await Promise.all([import('./WorkerPool.js'), import('@parsl-ts/core/wire')]);
const pool = new WorkerPool({
  url: values.url, secret, blockId, managerId, workers, prefetch,
  protocol: values.protocol === undefined ? WIRE_PROTOCOL_VERSION : Number(values.protocol), version,
  accelerators,
  maxMessageBytes: Number(values['max-message-bytes']),
  baseDir,
  drainAfterSeconds,
  fingerprint: values.fingerprint,
  ...(monitoringInterval === undefined ? {} : { monitoringInterval }),
  startedWorkers,
  log: (line) => process.stderr.write(`${new Date().toISOString()} manager ${managerId}: ${line}\n`),
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void pool.stop(0));
await pool.start();
process.exitCode = await pool.exited;
