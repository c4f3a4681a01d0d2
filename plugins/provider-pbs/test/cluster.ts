// Helpers for the tests that run on the PBS/Torque wrappers of the local Slurm cluster of
// tools/dev-cluster (brought up by globalSetup): bounded waits, what the queue holds, and command
// tracing through PATH.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { traceCommands, waitFor, waitForJobState as waitForState } from '@parsl-ts/testing';
import { ensureDevCluster, type DevCluster } from '../../../tools/dev-cluster/ensure.mjs';

/** The cluster's settings (up.sh is a no-op here: globalSetup already ran it). */
export function devCluster(): DevCluster {
  return ensureDevCluster();
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

/** Open MPI refuses to run as root without these (the tests run as root). */
export const MPI_AS_ROOT: Readonly<Record<string, string>> = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
