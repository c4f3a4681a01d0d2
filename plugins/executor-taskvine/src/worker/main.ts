#!/usr/bin/env node
/**
 * `parsl-ts-taskvine-worker`: what a block of the TaskVine executor runs on each node. It starts
 * the real cctools worker (`work_queue_worker` or `vine_worker`) toward the manager, next to a
 * runner pool of warm Node.js processes that the worker's tasks hand their JavaScript work to (see
 * RunnerPool). It exits when the worker exits, and stops the worker when it is told to stop
 * (SIGTERM, SIGINT, SIGHUP: a cancelled block).
 *
 *   parsl-ts-taskvine-worker --manager HOST:PORT [--worker-command work_queue_worker] [--cores N]
 *     [--memory MB] [--disk MB] [--gpus N] [--idle-timeout S] [--password FILE] [--serializer JSON]
 *     [--base-dir DIR] [--block-id ID] [--no-pool] [-- extra worker options]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RunnerPool } from './RunnerPool.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    manager: { type: 'string' },
    'worker-command': { type: 'string', default: 'work_queue_worker' },
    cores: { type: 'string' },
    memory: { type: 'string' },
    disk: { type: 'string' },
    gpus: { type: 'string' },
    'idle-timeout': { type: 'string', default: '300' },
    password: { type: 'string' },
    serializer: { type: 'string' },
    'base-dir': { type: 'string' },
    'block-id': { type: 'string', default: '' },
    'no-pool': { type: 'boolean', default: false },
  },
});

const label = `parsl-ts-taskvine-worker${values['block-id'] ? ` (block ${values['block-id']})` : ''}`;
const log = (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${label}: ${line}\n`); };

const manager = values.manager ?? '';
const match = /^(.+):(\d+)$/.exec(manager);
if (!match) {
  log(`--manager must be HOST:PORT, got ${JSON.stringify(manager)}`);
  process.exit(2);
}

const workerArgs = [
  ...(values.cores ? ['--cores', values.cores] : []),
  ...(values.memory ? ['--memory', values.memory] : []),
  ...(values.disk ? ['--disk', values.disk] : []),
  ...(values.gpus ? ['--gpus', values.gpus] : []),
  '-t', values['idle-timeout']!,
  // Exit when the manager goes away, or when this process dies.
  '--single-shot', '--parent-death',
  ...(values.password ? ['--password', values.password] : []),
  ...positionals,
  match[1]!, match[2]!,
];

const scratch = mkdtempSync(join(tmpdir(), 'parsl-ts-taskvine-'));
const env: NodeJS.ProcessEnv = { ...process.env };
let pool: RunnerPool | undefined;
if (!values['no-pool']) {
  pool = new RunnerPool({
    fifo: join(scratch, 'requests'),
    warm: Math.max(1, Number(values.cores ?? 1) || 1),
    env: {
      ...process.env,
      ...(values.serializer ? { PARSL_TS_SERIALIZER: values.serializer } : {}),
      ...(values['base-dir'] ? { PARSL_TS_BASE_DIR: values['base-dir'] } : {}),
    },
    log,
  });
  pool.start();
  env.PARSL_TS_TASKVINE_POOL = join(scratch, 'requests');
}

log(`starting ${values['worker-command']} ${workerArgs.join(' ')}${pool ? ' with a runner pool' : ''}`);
const worker = spawn(values['worker-command']!, workerArgs, { stdio: ['ignore', 'inherit', 'inherit'], env });
let stopping = false;

function cleanUp(): void {
  if (pool) {
    // The worker makes one process group per task: kill the groups of tasks it left behind.
    for (const pid of pool.commandPids) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
    pool.stop();
  }
  rmSync(scratch, { recursive: true, force: true });
}

worker.on('error', (error) => {
  log(`cannot run ${values['worker-command']}: ${error.message} (install coop-computing-tools, or TaskVine's vine_worker, on this node)`);
  cleanUp();
  process.exit(127);
});
worker.on('exit', (code, signal) => {
  log(`${values['worker-command']} exited (${signal ?? `exit code ${code}`})`);
  cleanUp();
  process.exit(stopping ? 0 : (code ?? 1));
});

for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(name, () => {
    if (stopping) return;
    stopping = true;
    log(`${name}: stopping the worker`);
    worker.kill('SIGTERM');
    setTimeout(() => worker.kill('SIGKILL'), 5000).unref();
  });
}
