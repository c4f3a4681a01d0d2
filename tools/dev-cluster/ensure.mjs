// Bring the dev cluster up from a test suite: `await ensureDevCluster()` in a vitest globalSetup
// or a beforeAll. Runs up.sh (idempotent: about 0.15 s when the cluster is already up) and throws
// an error that says what to do when it cannot. Never skips: a test that needs Slurm and does not
// get it fails.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Path of up.sh. */
export const UP_SCRIPT = join(here, 'up.sh');
/** Path of down.sh. */
export const DOWN_SCRIPT = join(here, 'down.sh');
/** The file up.sh writes once the cluster is up. */
export const ENV_FILE = '/run/slurm-local/env';

/**
 * Run up.sh and return the cluster's settings (from /run/slurm-local/env). Throws when this is not
 * root, bash or apt is missing, or up.sh fails (its last lines are in the message).
 * @param {{ timeoutMs?: number }} [options]
 * @returns {{ partition: string, partitions: string[], nodes: number, nodeList: string, cpusPerNode: number, memMb: number }}
 */
export function ensureDevCluster(options = {}) {
  const fix = `run the tests as root on Debian (bookworm) with apt, or bring the cluster up yourself first: sudo bash ${UP_SCRIPT}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    let up = false;
    try { up = readFileSync(ENV_FILE, 'utf8').includes('SLURM_LOCAL_UP=1'); } catch { /* not up */ }
    if (!up) {
      throw new Error(`These tests need the local Slurm cluster of tools/dev-cluster, and it is not up. Starting it needs root (this is uid ${process.getuid()}): ${fix}`);
    }
    return readEnv();
  }
  const started = Date.now();
  const result = spawnSync('bash', [UP_SCRIPT], { encoding: 'utf8', timeout: options.timeoutMs ?? 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    const why = result.error ? `${result.error.message}` : `exit status ${result.status}${result.signal ? ` (${result.signal})` : ''}`;
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`Could not bring up the local Slurm cluster (bash ${UP_SCRIPT}: ${why}, after ${Date.now() - started} ms). ` +
      `These tests need it and are not skipped. Fix: ${fix}.\n--- up.sh said ---\n${tail}`);
  }
  return readEnv();
}

function readEnv() {
  const text = readFileSync(ENV_FILE, 'utf8');
  const get = (name) => {
    const m = new RegExp(`^export ${name}=(.*)$`, 'm').exec(text);
    return m ? m[1].replace(/^'(.*)'$/, '$1') : '';
  };
  return {
    partition: get('SLURM_LOCAL_PARTITION'),
    partitions: get('SLURM_LOCAL_PARTITIONS').split(',').filter(Boolean),
    nodes: Number(get('SLURM_LOCAL_NODES')),
    nodeList: get('SLURM_LOCAL_NODELIST'),
    cpusPerNode: Number(get('SLURM_LOCAL_CPUS_PER_NODE')),
    memMb: Number(get('SLURM_LOCAL_MEM_MB')),
  };
}
