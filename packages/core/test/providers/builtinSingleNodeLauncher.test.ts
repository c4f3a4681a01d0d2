// The built-in single-node launcher, run by a real bash: copies, their environment, the exit
// status of the first failed copy, and SIGTERM forwarded to the copies.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSingleNodeLauncher, shellQuote } from '../../src/index.js';

function run(script: string): { status: number; stdout: string } {
  try {
    return { status: 0, stdout: execFileSync('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000 }) };
  } catch (e) {
    const error = e as { status: number | null; stdout: string };
    if (error.status === null) throw e;
    return { status: error.status, stdout: error.stdout };
  }
}

describe('builtinSingleNodeLauncher', () => {
  it('runs tasksPerNode × nodesPerBlock copies, each with its rank, the size and CORES', () => {
    expect(builtinSingleNodeLauncher.name).toBe('single-node (built in)');
    const { status, stdout } = run(builtinSingleNodeLauncher.wrap(`echo "$PARSL_LAUNCHER_RANK/$PARSL_LAUNCHER_SIZE cores=$CORES args=$#"`, 2, 2));
    expect(status).toBe(0);
    const cores = execFileSync('getconf', ['_NPROCESSORS_ONLN'], { encoding: 'utf8' }).trim();
    expect(stdout.trim().split('\n').sort()).toEqual([0, 1, 2, 3].map((rank) => `${rank}/4 cores=${cores} args=0`));
  });

  it('keeps the command exactly as written (quotes, $, newlines)', () => {
    const command = `x='it'"'"'s $HOME'\nprintf '%s\\n' "$x"`;
    expect(run(builtinSingleNodeLauncher.wrap(command, 1, 1)).stdout).toBe("it's $HOME\n");
  });

  it('ends with the status of the first copy that failed, after all of them ended', () => {
    // Rank 0 succeeds late, rank 1 fails with 3, rank 2 fails earlier with 4: 3 wins (start order).
    const { status, stdout } = run(builtinSingleNodeLauncher.wrap(
      'case $PARSL_LAUNCHER_RANK in 0) sleep 0.3; echo zero;; 1) sleep 0.2; exit 3;; 2) exit 4;; esac', 3, 1));
    expect(stdout).toBe('zero\n');
    expect(status).toBe(3);
  });

  it('passes SIGTERM on to its copies and ends', async () => {
    // The copies trap TERM and say so: proof that the launcher forwarded it.
    const script = builtinSingleNodeLauncher.wrap(`trap 'echo "term $PARSL_LAUNCHER_RANK"; exit 7' TERM; echo up; while :; do sleep 0.05; done`, 2, 1);
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    try {
      const deadline = Date.now() + 10_000;
      while ((out.match(/up/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      // 'close': the launcher has exited and so has every copy that shared its stdout.
      const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((done) => setTimeout(() => done('hung'), 10_000))]);
      expect(code).not.toBe('hung');
      expect(out.split('\n').filter((l) => l.startsWith('term')).sort()).toEqual(['term 0', 'term 1']);
    } finally {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* the group is gone */ }
    }
  });

  it('starts no copy when the TERM arrives before the copies start (a cancel right after submit)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parsl-builtin-launcher-'));
    try {
      // A slow `seq` holds the launcher between setting its trap and starting the copies: the
      // window in which a cancel used to be forwarded to no one, after which the loop went on.
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'seq'), `#!/bin/sh\ntouch ${shellQuote(dir)}/seq-started\nsleep 1\nexec /usr/bin/seq "$@"\n`);
      chmodSync(join(bin, 'seq'), 0o755);
      const launcher = builtinSingleNodeLauncher.wrap(`touch ${shellQuote(dir)}/copy."$PARSL_LAUNCHER_RANK"`, 2, 1);
      const { stdout } = run(`PATH=${shellQuote(bin)}:$PATH bash -c ${shellQuote(launcher)} &
launcher=$!
for i in $(/usr/bin/seq 1 200); do [ -e ${shellQuote(dir)}/seq-started ] && break; sleep 0.02; done
kill -TERM $launcher
wait $launcher
echo "launcher status $?"
sleep 1.5`);
      expect(stdout).toContain('launcher status 143');
      expect([0, 1].filter((rank) => existsSync(join(dir, `copy.${rank}`)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
