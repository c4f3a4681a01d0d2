// Resource use of a process tree from Linux's /proc: what worker pools (executor-htex) and the
// monitoring writer (monitoring-sqlite) sample. Only node:fs, so it stays cheap to load on workers.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resource use of a process tree, read from Linux's /proc. CPU times include children that
 * already exited and were reaped (`cutime`/`cstime`), so they only grow while the tree lives.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const usage: TreeUsage | undefined = sampleProcessTree(child.pid!);
 * if (usage) console.log(`${usage.cpuUserSeconds} s user, ${usage.rssBytes / 1e6} MB`);
 * ```
 */
export interface TreeUsage {
  /** User CPU seconds of the tree. */
  readonly cpuUserSeconds: number;
  /** System CPU seconds of the tree. */
  readonly cpuSystemSeconds: number;
  /** Resident memory of the live processes of the tree, in bytes. */
  readonly rssBytes: number;
  /** Bytes the tree read from storage (`read_bytes` of /proc/PID/io, reaped children included). */
  readonly readBytes: number;
  /** Bytes the tree wrote to storage (`write_bytes`). */
  readonly writeBytes: number;
}

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

interface ProcessUsage {
  readonly ppid: number;
  readonly user: number;
  readonly system: number;
  readonly rss: number;
  readonly read: number;
  readonly write: number;
}

function readProcess(pid: number): ProcessUsage | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // exited meanwhile
  }
  // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field n is fields[n - 3].
  const ppid = Number(fields[1]);
  const user = Number(fields[11]) + Number(fields[13]);
  const system = Number(fields[12]) + Number(fields[14]);
  let rss = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /\nVmRSS:\s+(\d+) kB/.exec(status);
    if (m) rss = Number(m[1]) * 1024;
  } catch {
    // exited meanwhile: no memory
  }
  let read = 0;
  let write = 0;
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'latin1');
    read = Number(/\nread_bytes: (\d+)/.exec(io)?.[1] ?? 0);
    write = Number(/\nwrite_bytes: (\d+)/.exec(io)?.[1] ?? 0);
  } catch {
    // /proc/PID/io needs the same user (or ptrace rights); without it I/O reads as 0
  }
  return { ppid, user, system, rss, read, write };
}

/** Child pids of `pid`, from /proc/PID/task/TID/children (one file per thread). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const tid of threads) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
      if (text) for (const child of text.split(' ')) children.push(Number(child));
    } catch {
      // thread ended meanwhile
    }
  }
  return children;
}

/**
 * Sample the process tree rooted at `pid`: the root's own and reaped children's CPU and I/O, plus
 * every live descendant's. Returns undefined when the root is gone or /proc is not available.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const usage = sampleProcessTree(process.pid); // { cpuUserSeconds: 0.41, rssBytes: 61_000_000, ... }
 * ```
 */
export function sampleProcessTree(pid: number): TreeUsage | undefined {
  const root = readProcess(pid);
  if (!root) return undefined;
  let user = root.user;
  let system = root.system;
  let rss = root.rss;
  let read = root.read;
  let write = root.write;
  const seen = new Set<number>([pid]);
  const stack = childrenOf(pid);
  while (stack.length > 0) {
    const child = stack.pop()!;
    if (seen.has(child)) continue;
    seen.add(child);
    const usage = readProcess(child);
    if (!usage) continue;
    user += usage.user;
    system += usage.system;
    rss += usage.rss;
    read += usage.read;
    write += usage.write;
    for (const grandchild of childrenOf(child)) stack.push(grandchild);
  }
  return {
    cpuUserSeconds: user / TICKS_PER_SECOND, cpuSystemSeconds: system / TICKS_PER_SECOND, rssBytes: rss, readBytes: read, writeBytes: write,
  };
}

/**
 * Usage since `base` (CPU and I/O as differences, memory as it is now).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const since = usageSince(sampleProcessTree(pid)!, baseline);
 * ```
 */
export function usageSince(now: TreeUsage, base: TreeUsage | undefined): TreeUsage {
  if (!base) return now;
  return {
    cpuUserSeconds: Math.max(0, round(now.cpuUserSeconds - base.cpuUserSeconds)),
    cpuSystemSeconds: Math.max(0, round(now.cpuSystemSeconds - base.cpuSystemSeconds)),
    rssBytes: now.rssBytes,
    readBytes: Math.max(0, now.readBytes - base.readBytes),
    writeBytes: Math.max(0, now.writeBytes - base.writeBytes),
  };
}

/** Round CPU seconds to the tick, so that differences of sums do not print as 0.30000000000000004. */
function round(seconds: number): number {
  return Math.round(seconds * TICKS_PER_SECOND) / TICKS_PER_SECOND;
}
