// Helpers for LocalProvider's tests: bounded waits and process lookups.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStatus } from '@parsl-ts/core';
import type { LocalProvider } from '../src/index.js';

/** Poll `check` every 100 ms until it returns a value other than undefined; fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the job's state is one of `states`; returns its status. */
export function waitForState(provider: LocalProvider, id: string, states: readonly string[], timeoutMs = 30_000): Promise<JobStatus> {
  return waitFor(`job ${id} to be ${states.join(' or ')}`, async () => {
    const [status] = await provider.status([id]);
    return status && states.includes(status.state) ? status : undefined;
  }, timeoutMs);
}

/** Pids of live (non-zombie) processes whose command line contains `pattern` (pgrep -f). */
export function pgrep(pattern: string): number[] {
  let out: string;
  try {
    out = execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8', timeout: 10_000 });
  } catch (e) {
    if ((e as { status?: number }).status === 1) return []; // none
    throw e;
  }
  return out.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== process.pid && !isZombie(pid));
}

/** `[state, process group]` of a process from /proc, or undefined when it is gone. */
function procStat(pid: number): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [fields[0]!, Number(fields[2])];
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat[0] === 'Z';
}

/**
 * Live (non-zombie) members of a process group. Zombies are left out: where PID 1 does not reap
 * orphans (some containers), killed grandchildren stay as zombies, which are not running.
 */
export function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number)
    .filter((pid) => { const stat = procStat(pid); return stat !== undefined && stat[0] !== 'Z' && stat[1] === pgid; });
}

/** A unique `sleep` to look for with pgrep: `sleep 3600.<digits>` (GNU sleep takes fractions). */
export function uniqueSleep(): { command: string; pattern: string } {
  const digits = `${process.pid}${Date.now() % 1_000_000}${Math.floor(Math.random() * 1e6)}`;
  return { command: `sleep 3600.${digits}`, pattern: `sleep 3600.${digits}` };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'parsl-provider-local-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
