import { describe, expect, it } from 'vitest';
import { decodeExitCode, parseScontrolJob, parseSqueue, saysInvalidJobId } from '../src/slurmOutput.js';
import { mapSlurmState } from '../src/slurmStates.js';
import { recorded, recordedJobId } from './recorded.js';

describe('squeue --Format output recorded on the dev cluster', () => {
  const states = recorded('squeue-states');
  const { jobs, unreadable } = parseSqueue(states.stdout);

  it('reads every line, one job per line, and lists no unknown id', () => {
    expect(states.exitCode).toBe(0);
    expect(unreadable).toEqual([]);
    const asked = /--jobs=([\d,]+)/.exec(states.cmd)![1]!.split(',');
    expect(jobs.size).toBe(states.stdout.trim().split('\n').length);
    expect([...jobs.keys()].every((id) => asked.includes(id))).toBe(true);
    expect(jobs.has('999999')).toBe(false);
  });

  // The scontrol recording of each job names its id; squeue must say the same as the job's history.
  it.each([
    ['scontrol-ok', 'COMPLETED', 'completed', { exitCode: 0 }],
    ['scontrol-fail', 'FAILED', 'failed', { exitCode: 3, reason: 'NonZeroExitCode' }],
    ['scontrol-killed', 'FAILED', 'failed', { exitCode: 0, signal: 9 }],
    ['scontrol-can', 'CANCELLED', 'cancelled', {}],
    ['scontrol-held', 'PENDING', 'held', { reason: 'JobHeldUser' }],
    ['scontrol-waiting', 'PENDING', 'pending', {}],
  ])('%s: squeue says %s, which maps to %s', (recording, long, state, extra) => {
    const job = jobs.get(recordedJobId(recording));
    expect(job).toBeDefined();
    expect(job!.state).toBe(long);
    expect(mapSlurmState(job!.state, job!.reason).state).toBe(state);
    expect(job).toMatchObject(extra);
  });

  it('a job of a full cluster waits with a reason, and the rest run', () => {
    const waiting = jobs.get(recordedJobId('scontrol-waiting'))!;
    expect(['Resources', 'Priority']).toContain(waiting.reason);
    expect([...jobs.values()].filter((j) => j.state === 'RUNNING').length).toBeGreaterThanOrEqual(1);
  });

  it('without --states=all, finished jobs are simply absent (rc 0)', () => {
    const active = recorded('squeue-active-only');
    expect(active.exitCode).toBe(0);
    const { jobs: activeJobs } = parseSqueue(active.stdout);
    expect(activeJobs.has(recordedJobId('scontrol-ok'))).toBe(false);
    expect(activeJobs.has(recordedJobId('scontrol-waiting'))).toBe(true);
    expect([...activeJobs.values()].every((j) => ['PENDING', 'RUNNING', 'COMPLETING'].includes(j.state))).toBe(true);
  });

  it('a lone unknown id: rc 1 and "Invalid job id specified" on stderr', () => {
    const unknown = recorded('squeue-unknown-id');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(saysInvalidJobId(unknown.stderr)).toBe(true);
  });

  it('a job that reached its walltime is TIMEOUT, which maps to timeout', () => {
    const { jobs: timeout } = parseSqueue(recorded('squeue-timeout').stdout);
    const job = timeout.get(recordedJobId('scontrol-timeout'))!;
    expect(job.state).toBe('TIMEOUT');
    expect(job.reason).toBe('TimeLimit');
    expect(mapSlurmState(job.state).state).toBe('timeout');
  });
});

describe('squeue output in Slurm\'s documented forms', () => {
  it.each([
    // squeue -M (multi-cluster) prints a CLUSTER header even with --noheader.
    ['CLUSTER: cl2\n7|R|RUNNING|None|0|\n', [['7', 'RUNNING']]],
    ['12_3|CG|COMPLETING|None|0|\n12_4|PD|PENDING|Dependency|0|\n', [['12_3', 'COMPLETING'], ['12_4', 'PENDING']]],
    ['5|NF|NODE_FAIL|NodeDown|0|\n6|OOM|OUT_OF_MEMORY|OutOfMemory|34304|\n', [['5', 'NODE_FAIL'], ['6', 'OUT_OF_MEMORY']]],
    ['5|PR|PREEMPTED|None|15|\n6|CF|CONFIGURING|None|0|\n7|DL|DEADLINE|DeadLine|0|\n8|BF|BOOT_FAIL|None|0|\n', [['5', 'PREEMPTED'], ['6', 'CONFIGURING'], ['7', 'DEADLINE'], ['8', 'BOOT_FAIL']]],
    ['  9|PD|PENDING|ReqNodeNotAvail,_UnavailableNodes:nid[001-003]|0|  \n\n', [['9', 'PENDING']]],
    ['', []],
  ])('reads %j', (stdout, expected) => {
    const { jobs, unreadable } = parseSqueue(stdout);
    expect(unreadable).toEqual([]);
    expect([...jobs.values()].map((j) => [j.id, j.state])).toEqual(expected);
  });

  it('keeps the pending reason whole, commas and colons included', () => {
    const { jobs } = parseSqueue('9|PD|PENDING|ReqNodeNotAvail,_UnavailableNodes:nid[001-003]|0|\n');
    expect(jobs.get('9')!.reason).toBe('ReqNodeNotAvail,_UnavailableNodes:nid[001-003]');
  });

  it.each([
    'JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON)',
    '7 R RUNNING',
    'abc|R|RUNNING|None|0|',
  ])('flags %j as unreadable rather than guessing', (line) => {
    expect(parseSqueue(`${line}\n`).unreadable).toEqual([line]);
  });

  it("reads the default `squeue` table as unreadable (it is not this provider's format)", () => {
    const table = recorded('squeue-default').stdout;
    expect(parseSqueue(table).unreadable.length).toBeGreaterThan(0);
  });
});

describe('exit codes', () => {
  it.each([
    ['0', { exitCode: 0 }],
    ['768', { exitCode: 3 }],
    ['9', { exitCode: 0, signal: 9 }],
    ['15', { exitCode: 0, signal: 15 }],
    ['34304', { exitCode: 134 }],
    ['3:0', { exitCode: 3 }],
    ['0:15', { exitCode: 0, signal: 15 }],
    ['', {}],
    ['N/A', {}],
  ])('%j', (text, expected) => {
    expect(decodeExitCode(text)).toEqual(expected);
  });
});

describe('scontrol show job', () => {
  it.each([
    ['scontrol-ok', 'COMPLETED', { exitCode: 0 }],
    ['scontrol-fail', 'FAILED', { exitCode: 3, reason: 'NonZeroExitCode' }],
    ['scontrol-can', 'CANCELLED', {}],
    ['scontrol-held', 'PENDING', { reason: 'JobHeldUser' }],
    ['scontrol-timeout', 'TIMEOUT', { reason: 'TimeLimit' }],
    ['scontrol-multiline', 'FAILED', { exitCode: 3 }],
  ])('reads the recorded %s: %s', (name, state, extra) => {
    const r = recorded(name);
    expect(r.exitCode).toBe(0);
    const job = parseScontrolJob(r.stdout);
    expect(job).toMatchObject({ id: /show job (\d+)/.exec(r.cmd)![1], state, ...extra });
  });

  it('says so for an unknown id (rc 1, "Invalid job id specified")', () => {
    const r = recorded('scontrol-unknown');
    expect(r.exitCode).toBe(1);
    expect(saysInvalidJobId(r.stderr)).toBe(true);
    expect(parseScontrolJob(r.stdout)).toBeUndefined();
  });

  it('names array tasks as squeue does', () => {
    const text = 'JobId=101 ArrayJobId=100 ArrayTaskId=1 JobName=a JobState=RUNNING Reason=None ExitCode=0:0';
    expect(parseScontrolJob(text)).toEqual({ id: '100_1', state: 'RUNNING', reason: 'None', exitCode: 0 });
  });
});
