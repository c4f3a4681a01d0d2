// runSchedulerCommand with real processes: output, exit status, a missing program, and the time
// limit that stops the whole process group (SIGTERM, then SIGKILL) and never waits forever.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runSchedulerCommand } from '../../src/index.js';

/** True while `pid` is a live process (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return check();
}

describe('runSchedulerCommand', () => {
  it('captures stdout, stderr and the exit status, with a command line one can paste into a shell', async () => {
    const result = await runSchedulerCommand('sh', ['-c', 'echo "out $0"; echo err >&2; exit 3', "it's"], { timeoutMs: 10_000 });
    expect(result).toEqual({
      commandLine: `sh -c 'echo "out $0"; echo err >&2; exit 3' 'it'\\''s'`,
      exitCode: 3, signal: null, stdout: "out it's\n", stderr: 'err\n', timedOut: false,
    });
  });

  it('runs in the given directory with the given environment, stdin closed', async () => {
    const result = await runSchedulerCommand('sh', ['-c', 'pwd; echo "$GREETING"; cat; echo "cat:$?"'], {
      timeoutMs: 10_000, cwd: tmpdir(), env: { PATH: process.env.PATH, GREETING: 'hello' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${tmpdir()}\nhello\ncat:0\n`);
  });

  it('reports a program that is not installed instead of rejecting', async () => {
    const result = await runSchedulerCommand('parsl-ts-no-such-program', ['-x'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ commandLine: 'parsl-ts-no-such-program -x', exitCode: null, timedOut: false, stdout: '', stderr: '' });
    expect(result.spawnError?.code).toBe('ENOENT');
  });

  it('stops the command and what it started at the time limit (SIGTERM to the group)', async () => {
    const started = Date.now();
    const result = await runSchedulerCommand('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await until(() => !alive(grandchild), 2000)).toBe(true);
  });

  it('sends SIGKILL 2 s later to a group that ignores SIGTERM', async () => {
    const started = Date.now();
    const result = await runSchedulerCommand('sh', ['-c', 'trap "" TERM; sleep 30 & wait; wait'], { timeoutMs: 200 });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(elapsed).toBeGreaterThanOrEqual(2150);
    expect(elapsed).toBeLessThan(3500);
  });

  it('gives up waiting 3 s after the time limit when a process outside the group holds its output open', async () => {
    const started = Date.now();
    // setsid puts the sleep in a session of its own, beyond the group signals; it keeps stdout open.
    const result = await runSchedulerCommand('sh', ['-c', 'setsid sleep 30 & echo $!; wait'], { timeoutMs: 200 });
    const elapsed = Date.now() - started;
    const escaped = Number(result.stdout.trim());
    try {
      expect(result.timedOut).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(3150);
      expect(elapsed).toBeLessThan(4500);
    } finally {
      if (escaped > 0 && alive(escaped)) process.kill(escaped, 'SIGKILL');
    }
  });
});
