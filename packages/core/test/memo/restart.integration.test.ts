import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const WORKFLOW = fileURLToPath(new URL('./fixtures/restartWorkflow.ts', import.meta.url));
const CORE_DIR = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-restart-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Run { lines: Record<string, unknown>[]; code: number | null; signal: NodeJS.Signals | null }

/** Run the workflow; with `killAfter`, SIGKILL it as soon as that many tasks have printed their result. */
function runWorkflow(args: string[], killAfter?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKFLOW, ...args], { cwd: CORE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let buffered = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`workflow did not finish within 60 s; stderr: ${stderr}`)); }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        lines.push(JSON.parse(line) as Record<string, unknown>);
        if (killAfter !== undefined && lines.filter((l) => 'done' in l).length === killAfter) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (killAfter === undefined && code !== 0) reject(new Error(`workflow exited with ${code ?? signal}: ${stderr}`));
      else resolve({ lines, code, signal });
    });
  });
}

const logLines = (file: string): number[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

describe('a workflow killed with SIGKILL and rerun with its checkpoint', () => {
  it('does not rerun finished tasks, reruns the others, and gets the same results', async () => {
    const runinfo = join(dir, 'runinfo');
    const firstLog = join(dir, 'first.log');
    const secondLog = join(dir, 'second.log');

    const first = await runWorkflow([runinfo, firstLog], 7);
    expect(first.signal).toBe('SIGKILL');
    const finished = new Map(first.lines.filter((l) => 'done' in l).map((l) => [l.done as number, l.value as number]));
    expect(finished.size).toBeGreaterThanOrEqual(7);
    expect(finished.size).toBeLessThan(20); // killed midway

    const second = await runWorkflow([runinfo, secondLog, 'resume']);
    const all = (second.lines.find((l) => 'all' in l)!.all) as number[];
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i * i + 1));
    for (const [i, value] of finished) expect(all[i]).toBe(value);

    // Invocations: every finished task ran exactly once (in the first run); the others ran in the second.
    const firstCalls = logLines(firstLog);
    const secondCalls = logLines(secondLog);
    for (const i of finished.keys()) {
      expect(firstCalls.filter((x) => x === i)).toHaveLength(1);
      expect(secondCalls).not.toContain(i);
    }
    expect(new Set(secondCalls).size).toBe(secondCalls.length);
    // Finished tasks were memo hits in the second run; the others ran again, except a task that
    // ended (and was checkpointed) just before the kill, before its line was read here: that
    // one ran in the first run and is a memo hit too.
    const states = new Map(second.lines.filter((l) => 'done' in l).map((l) => [l.done as number, l.state]));
    for (const i of finished.keys()) expect(states.get(i)).toBe('memo_done');
    const rest = Array.from({ length: 20 }, (_, i) => i).filter((i) => !finished.has(i));
    for (const i of rest) {
      if (secondCalls.includes(i)) {
        expect(states.get(i)).toBe('exec_done');
      } else {
        expect(firstCalls).toContain(i);
        expect(states.get(i)).toBe('memo_done');
      }
    }
  }, 120_000);
});
