// Nothing outlives the process that submitted the jobs: not when it ends without cancelling them,
// and not when it is killed with SIGKILL (each job watches the process that submitted it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { groupMembers, pgrep, removeDir, tempDir, uniqueSleep, waitFor } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/submitAndExit.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) removeDir(d); });

function startFixture(mode: 'exit' | 'hang', seconds: string) {
  const dir = tempDir();
  dirs.push(dir);
  const child = spawn(process.execPath, [FIXTURE, join(dir, 'scripts'), mode, seconds], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const job = waitFor('the fixture to print its job', () => {
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (stderr.includes('Error')) throw new Error(`fixture failed: ${stderr}`);
    return line ? (JSON.parse(line) as { id: string; pid: number }) : undefined;
  });
  return { child, exited, job, output: () => ({ stdout, stderr }) };
}

describe('no process outlives the submitter', () => {
  it('a process that ends without cancelling its jobs ends on its own, and its jobs go with it', async () => {
    const marker = uniqueSleep();
    const seconds = marker.pattern.slice('sleep '.length);
    const run = startFixture('exit', seconds);
    const { pid } = await run.job;
    // Running jobs do not keep the process alive...
    const code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    if (code === 'hung') run.child.kill('SIGKILL');
    expect(code, JSON.stringify(run.output())).toBe(0);
    // ...and the exit hook killed them.
    await waitFor('the job to be gone', () => (pgrep(marker.pattern).length === 0 && groupMembers(pid).length === 0 ? true : undefined), 10_000);
  });

  it('when the submitter is killed with SIGKILL, its jobs stop themselves within seconds', async () => {
    const marker = uniqueSleep();
    const seconds = marker.pattern.slice('sleep '.length);
    const run = startFixture('hang', seconds);
    const { pid } = await run.job;
    await waitFor('the sleep to run', () => (pgrep(marker.pattern).length === 1 ? true : undefined));
    run.child.kill('SIGKILL');
    await run.exited;
    // The job's watchdog polls every 2 s, then TERM, then KILL after the grace.
    await waitFor('the job to stop itself', () => (pgrep(marker.pattern).length === 0 && groupMembers(pid).length === 0 ? true : undefined), 20_000);
  });
});
