// sampleProcessTree and usageSince on real process trees: a child that burns CPU, holds memory and
// writes to disk, children that exited and were reaped, and a root that is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleProcessTree, usageSince, type TreeUsage } from '../../src/worker.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
  }
});

/** Start `sh -c script` in a group of its own; resolves once it printed `ready`. */
async function tree(script: string): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  started.push(child);
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error('the process tree did not start in 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) { clearTimeout(timer); ready(); }
    });
  });
  return child;
}

// A grandchild (node under sh) that burns 0.4 s of CPU, holds 64 MB, writes 4 MB with fsync, then waits.
const WORK = `const fs = require('fs');
const keep = Buffer.alloc(64 << 20, 1);
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; }; while (cpu() < 400e3) {}
const fd = fs.openSync(process.argv[1], 'w'); fs.writeSync(fd, Buffer.alloc(4 << 20, 2)); fs.fsyncSync(fd); fs.closeSync(fd);
console.log('ready', keep.length); setInterval(() => {}, 1000);`;

describe('sampleProcessTree', () => {
  it('adds up the CPU, memory and disk writes of the live descendants', async () => {
    const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.proctree-'));
    try {
      const child = await tree(`${process.execPath} -e "${WORK.replace(/"/g, '\\"')}" ${join(dir, 'out')}; :`);
      const usage = sampleProcessTree(child.pid!)!;
      expect(usage.cpuUserSeconds + usage.cpuSystemSeconds).toBeGreaterThanOrEqual(0.38);
      expect(usage.rssBytes).toBeGreaterThan(64 << 20);
      expect(usage.writeBytes).toBeGreaterThanOrEqual(4 << 20);
      expect(usage.readBytes).toBeGreaterThanOrEqual(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the CPU of children that exited and were reaped (the root's cutime)", async () => {
    const child = await tree(`${process.execPath} -e "const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; }; while (cpu() < 400e3) {}"; echo ready; exec sleep 30`);
    const usage = sampleProcessTree(child.pid!)!;
    expect(usage.cpuUserSeconds + usage.cpuSystemSeconds).toBeGreaterThanOrEqual(0.38);
    expect(usage.rssBytes).toBeLessThan(64 << 20); // only sleep is alive
  });

  it('answers undefined for a process that does not exist', () => {
    expect(sampleProcessTree(2 ** 22 + 12345)).toBeUndefined(); // above Linux's pid_max
  });

  it('samples this process', () => {
    const usage = sampleProcessTree(process.pid)!;
    expect(usage.rssBytes).toBeGreaterThan(10 << 20);
    expect(usage.cpuUserSeconds).toBeGreaterThan(0);
  });
});

describe('usageSince', () => {
  const base: TreeUsage = { cpuUserSeconds: 1.1, cpuSystemSeconds: 0.2, rssBytes: 100, readBytes: 10, writeBytes: 20 };

  it('takes differences of CPU and I/O, rounded to the tick, and memory as it is now', () => {
    const now: TreeUsage = { cpuUserSeconds: 1.4, cpuSystemSeconds: 0.3, rssBytes: 50, readBytes: 15, writeBytes: 20 };
    expect(usageSince(now, base)).toEqual({ cpuUserSeconds: 0.3, cpuSystemSeconds: 0.1, rssBytes: 50, readBytes: 5, writeBytes: 0 });
  });

  it('never goes below 0 (a tree that lost its reaped children), and is the sample itself without a base', () => {
    const now: TreeUsage = { cpuUserSeconds: 0.5, cpuSystemSeconds: 0.1, rssBytes: 1, readBytes: 0, writeBytes: 0 };
    expect(usageSince(now, base)).toEqual({ cpuUserSeconds: 0, cpuSystemSeconds: 0, rssBytes: 1, readBytes: 0, writeBytes: 0 });
    expect(usageSince(now, undefined)).toBe(now);
  });
});
