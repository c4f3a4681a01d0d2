// Helpers for LocalProvider's tests: bounded waits and process lookups.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { processGroupMembers as groupMembers, waitFor, waitForJobState as waitForState } from '@parsl-ts/testing';


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
