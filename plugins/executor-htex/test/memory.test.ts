import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RetainedMemoryFigures } from '@parsl-ts/testing';

const dir = mkdtempSync(join(tmpdir(), 'parsl-htex-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HighThroughputExecutor memory', () => {
  it('100,000 no-op tasks complete with bounded memory on the submit side (child process, --expose-gc)', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/memory.mjs', import.meta.url));
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', fixture, join(dir, 'runinfo'), '100000', '10000'], {
        cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
      child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('error', reject);
      child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
    expect(output.code).toBe(0);
    const figures = JSON.parse(output.stdout.trim().split('\n').pop()!) as RetainedMemoryFigures;
    console.log(`executor-htex 100k no-ops: ${JSON.stringify(figures)}`);
    expect(figures.resolved).toBe(100_000);
    expect(figures.checksum).toBe(figures.expectedChecksum);
    expect(figures.pendingTasks).toBe(0);
    expect(figures.retainedBytesPerTask).toBeLessThan(1024);
  }, 300_000);
});
