// Helpers for the tests that run on the PBS/Torque wrappers of the local Slurm cluster of
// tools/dev-cluster (brought up by globalSetup): bounded waits, what the queue holds, and command
// tracing through PATH.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStatus } from '@parsl-ts/core';
import { ensureDevCluster, type DevCluster } from '../../../tools/dev-cluster/ensure.mjs';
import type { PbsProvider } from '../src/index.js';

/** The cluster's settings (up.sh is a no-op here: globalSetup already ran it). */
export function devCluster(): DevCluster {
  return ensureDevCluster();
}

/** Poll `check` every 100 ms until it returns something other than undefined; fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the provider reports one of `states` for the job. */
export function waitForState(p: PbsProvider, id: string, states: readonly string[], timeoutMs = 30_000): Promise<JobStatus> {
  return waitFor(`job ${id} to be ${states.join(' or ')}`, async () => {
    const [status] = await p.status([id]);
    return status && states.includes(status.state) ? status : undefined;
  }, timeoutMs);
}

/** Ids among `ids` that are still pending, running or completing (asked of Slurm, under the wrappers). */
export function activeJobs(ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  let out: string;
  try {
    out = execFileSync('squeue', ['--noheader', `--jobs=${ids.join(',')}`, '--format=%i'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (/Invalid job id/.test(String((error as { stderr?: string }).stderr))) return [];
    throw error;
  }
  return out.split('\n').map((l) => l.trim()).filter((id) => ids.includes(id));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `parsl-pbs-test-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Put wrappers first on PATH that log each call's arguments, then exec the real command. */
export function traceCommands(names: readonly string[]): { calls: (name: string) => string[]; restore: () => void } {
  const dir = tempDir('trace');
  for (const name of names) {
    const real = execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, name), `#!/bin/bash\necho "$*" >> ${join(dir, `${name}.log`)}\nexec ${real} "$@"\n`);
    chmodSync(join(dir, name), 0o755);
  }
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved}`;
  return {
    calls: (name) => {
      try {
        return readFileSync(join(dir, `${name}.log`), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    restore: () => {
      process.env.PATH = saved;
      removeDir(dir);
    },
  };
}

/** Open MPI refuses to run as root without these (the tests run as root). */
export const MPI_AS_ROOT: Readonly<Record<string, string>> = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
