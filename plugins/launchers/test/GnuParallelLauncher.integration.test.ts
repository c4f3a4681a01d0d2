// (b) GnuParallelLauncher runs for real with GNU parallel. GNU parallel is a test requirement:
// when it is missing these tests FAIL (they do not skip), saying how to install it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GnuParallelLauncher, shellQuote } from '../src/index.js';
import { awkwardDir, markers, removeDir, runBash } from './helpers.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) removeDir(d); });

function gnuParallelVersion(): string | undefined {
  try {
    const out = execFileSync('parallel', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
    return out.includes('GNU parallel') ? out.split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}

function markerCommand(dir: string, failing: Record<number, number> = {}): string {
  return [
    `printf '%s %s %s %s\\n' "$PARSL_LAUNCHER_RANK" "$PARSL_LAUNCHER_SIZE" "$CORES" "$#" > ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"`,
    ...Object.entries(failing).map(([rank, code]) => `[ "$PARSL_LAUNCHER_RANK" != ${rank} ] || exit ${code}`),
  ].join('\n');
}

describe('GnuParallelLauncher (real GNU parallel)', () => {
  beforeAll(() => {
    if (gnuParallelVersion() === undefined) {
      throw new Error('GNU parallel is not installed: these tests need it. Install it with `apt-get install -y parallel` '
        + '(Debian/Ubuntu; CI installs it in .ci/run install_system_packages). moreutils\' `parallel` is another program.');
    }
  });

  it('runs tasksPerNode copies on one node, each with its rank, the size and CORES', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new GnuParallelLauncher().wrap(markerCommand(dir), 3, 1), { timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const found = markers(dir);
    expect(found.map((m) => m.file)).toEqual(['marker.0', 'marker.1', 'marker.2']);
    for (const [rank, m] of found.entries()) {
      const [r, size, cores, args] = m.text.trim().split(' ');
      expect([r, size, args]).toEqual([String(rank), '3', '0']);
      expect(Number(cores)).toBeGreaterThan(0);
    }
    expect(result.stdout).toContain('done, exit status 0');
  });

  it('runs the copies at the same time', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const command = `touch ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"
for i in $(seq 1 400); do [ "$(ls ${shellQuote(dir)} | wc -l)" -ge 3 ] && exit 0; sleep 0.05; done
exit 1`;
    const result = await runBash(new GnuParallelLauncher({ debug: false }).wrap(command, 3, 1), { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
  });

  it('ends with the exit status of the first copy that failed', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new GnuParallelLauncher({ debug: false }).wrap(markerCommand(dir, { 1: 7, 2: 9 }), 3, 1), { timeoutMs: 60_000 });
    expect(result.code).toBe(7);
    expect(markers(dir)).toHaveLength(3);
  });

  it('on several nodes without a node list, runs every copy here and says so', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const env = { ...process.env };
    delete env.PBS_NODEFILE;
    delete env.SLURM_JOB_NODELIST;
    const result = await runBash(new GnuParallelLauncher({ debug: false }).wrap(markerCommand(dir), 2, 2), { env, timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(markers(dir)).toHaveLength(4);
    expect(result.stderr).toContain('running all 4 copies on this node');
  });

  it('on several nodes reads $PBS_NODEFILE, deduplicated, as the ssh login file', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    // `:` is GNU parallel's name for "this machine, no ssh"; the duplicate line must be dropped.
    const nodefile = join(dir, 'nodefile');
    writeFileSync(nodefile, ':\n:\n');
    const result = await runBash(new GnuParallelLauncher({ debug: false }).wrap(markerCommand(dir), 2, 2), {
      env: { ...process.env, PBS_NODEFILE: nodefile }, timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(markers(dir)).toHaveLength(4);
  });

  it('passes overrides to parallel', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new GnuParallelLauncher({ debug: false, overrides: ['--tagstring', 'copy {}'] }).wrap('echo hello', 2, 1), { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['copy 0\thello', 'copy 1\thello']);
  });

  it('without GNU parallel on PATH, fails with 127 and says how to install it', async () => {
    // A `parallel` that is not GNU parallel (as moreutils installs) comes first on PATH.
    const bin = mkdtempSync(join(tmpdir(), 'parsl-not-gnu-'));
    dirs.push(bin);
    writeFileSync(join(bin, 'parallel'), '#!/bin/sh\necho "parallel from moreutils"\nexit 1\n');
    chmodSync(join(bin, 'parallel'), 0o755);
    const result = await runBash(new GnuParallelLauncher({ debug: false }).wrap('echo hi', 1, 1), {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('apt-get install parallel');
  });
});
