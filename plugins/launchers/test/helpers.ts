// Helpers for the tests that run generated scripts for real.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `script` with `bash -c`, killing it (and failing) after `timeoutMs`. */
export function runBash(script: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`script did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/** A fresh temporary folder whose name needs quoting (space, quote, dollar). */
export function awkwardDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'parsl-launchers-'));
  const dir = join(base, `it's a $dir`);
  mkdirSync(dir);
  return dir;
}

/** Remove a test folder (for an awkwardDir, its temporary parent too). */
export function removeDir(dir: string): void {
  const parent = dirname(dir);
  rmSync(basename(parent).startsWith('parsl-launchers-') ? parent : dir, { recursive: true, force: true });
}

/** The marker files (`marker.<rank>`) in `dir`, sorted, and their contents. */
export function markers(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir).filter((f) => f.startsWith('marker.')).sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * A folder of fake launch commands (srun, mpiexec, mpirun, aprun, jsrun) that skip their own
 * options and run the rest once, so every launcher's script can be executed here.
 */
export function fakeLaunchersBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'parsl-fake-bin-'));
  const fake = [
    '#!/bin/bash',
    '[ "${1:-}" = --version ] && { echo "fake launcher"; exit 0; }',
    'while [ $# -gt 0 ] && [ "$1" != bash ] && [ "$1" != /bin/bash ] && [ "$1" != /usr/local/bin/bash ]; do shift; done',
    '[ $# -gt 0 ] || { echo "fake launcher: no bash in the command line" >&2; exit 99; }',
    'shift',
    'exec bash "$@"',
    '',
  ].join('\n');
  for (const name of ['srun', 'mpiexec', 'mpirun', 'aprun', 'jsrun']) {
    writeFileSync(join(bin, name), fake);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}
