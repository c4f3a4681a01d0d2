import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobState, type JobStatus } from '@parsl-ts/core';
import { captureError, waitUntil } from '../src/helpers.js';
import { processGroupMembers } from '../src/processGroupMembers.js';
import { readRecording } from '../src/readRecording.js';
import { traceCommands } from '../src/traceCommands.js';
import { waitFor, waitForJobState } from '../src/waitFor.js';

describe('waitFor', () => {
  it('resolves to the first value other than undefined', async () => {
    let calls = 0;
    expect(await waitFor('the third call', () => (++calls >= 3 ? calls : undefined), 5_000)).toBe(3);
  });

  it('fails after the bound, saying what it waited for', async () => {
    const started = Date.now();
    const error = await captureError(() => waitFor('nothing', () => undefined, 200));
    expect((error as Error).message).toBe('timed out after 200 ms waiting for nothing');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waitForJobState waits for one of the states the provider reports', async () => {
    const states: JobStatus[] = [{ state: JobState.pending }, { state: JobState.running }, { state: JobState.completed, exitCode: 0 }];
    let asked = 0;
    // A provider whose job moves on each time it is asked (the real schedulers are in the plugins' tests).
    const provider = { status: async (ids: readonly string[]): Promise<JobStatus[]> => ids.map(() => states[Math.min(asked++, 2)]!) };
    expect(await waitForJobState(provider, '7', [JobState.completed, JobState.failed], 5_000)).toEqual({ state: JobState.completed, exitCode: 0 });
    const error = await captureError(() => waitForJobState({ status: async () => [{ state: JobState.pending }] }, '8', [JobState.running], 150));
    expect((error as Error).message).toBe(`timed out after 150 ms waiting for job 8 to be ${JobState.running}`);
  });
});

describe('traceCommands', () => {
  it('logs the arguments of each call, runs the real command, and restores PATH', () => {
    const path = process.env.PATH;
    // seq is a program, not a shell builtin: the wrapper execs the real one.
    const trace = traceCommands(['seq'], { seq: 'echo before >&2' });
    try {
      expect(execFileSync('seq', ['2', '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe('2\n3\n');
      execFileSync('seq', ['1']);
      expect(trace.calls('seq')).toEqual(['2 3', '1']);
      expect(trace.calls('never-run')).toEqual([]);
    } finally {
      trace.restore();
    }
    expect(process.env.PATH).toBe(path);
  });

  it('throws for a command that is not on PATH, and leaves PATH alone', () => {
    const path = process.env.PATH;
    expect(() => traceCommands(['parsl-ts-no-such-command'])).toThrow();
    expect(process.env.PATH).toBe(path);
  });
});

describe('readRecording', () => {
  it('reads the command line, outputs and exit status of a recording', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parsl-recording-'));
    try {
      writeFileSync(join(dir, 'q.cmd'), 'squeue --noheader\n');
      writeFileSync(join(dir, 'q.out'), '12 RUNNING\n');
      writeFileSync(join(dir, 'q.err'), '');
      writeFileSync(join(dir, 'q.rc'), '0\n');
      expect(readRecording(dir, 'q')).toEqual({ cmd: 'squeue --noheader', stdout: '12 RUNNING\n', stderr: '', exitCode: 0 });
      expect(() => readRecording(dir, 'missing')).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('processGroupMembers', () => {
  it('lists the live processes of a group, and none once they are killed', async () => {
    const child = spawn('/bin/bash', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore', detached: true });
    try {
      expect(await waitUntil(() => processGroupMembers(child.pid!).length === 3, 10_000)).toBe(true);
      expect(processGroupMembers(child.pid!)).toContain(child.pid);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    expect(await waitUntil(() => processGroupMembers(child.pid!).length === 0, 10_000)).toBe(true);
  });
});
