import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live members of process group `pgid`, from /proc (Linux). Zombies are left out: where PID 1
 * does not reap orphans (some containers), killed processes stay as zombies, which do not run.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * expect(await waitUntil(() => processGroupMembers(child.pid!).length === 0, 10_000)).toBe(true);
 * ```
 */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command (which may hold spaces) start at the last ')': state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return members;
}
