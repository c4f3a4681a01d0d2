// Helpers for the tests that run against the local Slurm cluster of tools/dev-cluster (brought up
// by globalSetup): bounded waits, what squeue says, and command tracing through PATH.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevCluster, type DevCluster } from '../../../tools/dev-cluster/ensure.mjs';

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

/**
 * Trace the Slurm commands this process runs: put wrappers first on PATH that log their
 * arguments and then exec the real command (`before` is shell text run first, to inject a delay
 * or a failure). `calls(name)` lists the logged argument lines; `restore()` puts PATH back.
 */
export function traceCommands(names: readonly string[], before: Readonly<Record<string, string>> = {}): { calls: (name: string) => string[]; restore: () => void } {
  const dir = tempDir('trace');
  for (const name of names) {
    const real = execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, name), `#!/bin/bash\necho "$*" >> ${join(dir, `${name}.log`)}\n${before[name] ?? ''}\nexec ${real} "$@"\n`);
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
