// Helpers for the tests that run against the local Slurm cluster of tools/dev-cluster (brought up
// by globalSetup): bounded waits, what squeue says, and command tracing through PATH.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { traceCommands, waitFor } from '@parsl-ts/testing';
import { ensureDevCluster, type DevCluster } from '../../../tools/dev-cluster/ensure.mjs';

/** The cluster's settings (up.sh is a no-op here: globalSetup already ran it). */
export function devCluster(): DevCluster {
  return ensureDevCluster();
}


/** Ids among `ids` that squeue lists as pending, running or completing (finished jobs are not listed). */
export function activeJobs(ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  let out: string;
  try {
    out = execFileSync('squeue', ['--noheader', `--jobs=${ids.join(',')}`, '--format=%i %T'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (/Invalid job id/.test(String((error as { stderr?: string }).stderr))) return [];
    throw error;
  }
  return out.split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/)[0]!).filter((id) => ids.includes(id));
}

/** `scontrol show job` field of a job, e.g. jobField('12', 'JobState'). */
export function jobField(id: string, field: string): string | undefined {
  const out = execFileSync('scontrol', ['--oneliner', 'show', 'job', id], { encoding: 'utf8', timeout: 10_000 });
  return new RegExp(`(?:^|\\s)${field}=(\\S*)`).exec(out)?.[1];
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `parsl-slurm-test-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
