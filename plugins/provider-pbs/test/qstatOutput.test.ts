import { describe, expect, it } from 'vitest';
import type { SchedulerCommandResult } from '@parsl-ts/core';
import { isGoneMessage, parseQstatFull, parseQstatJson, pbsDuration, refusedOption } from '../src/qstatOutput.js';
import { mapPbsState } from '../src/pbsStates.js';
import { documented } from './documented.js';
import { recorded, type Recording } from './recorded.js';

const asResult = (r: Recording): SchedulerCommandResult => ({ commandLine: r.cmd, exitCode: r.exitCode, signal: null, stdout: r.stdout, stderr: r.stderr, timedOut: false });

describe("qstat -f of Slurm's Torque wrappers (recorded on the dev cluster)", () => {
  const r = recorded('qstat-f');
  const ids = r.cmd.split(' ').slice(2); // qstat -f RUN HOLD DONE FAILED 999999
  const { jobs, unreadable } = parseQstatFull(r.stdout);

  it('reads every job (tab-indented attributes) and lists no unknown id; status 0 even with one', () => {
    expect(r.exitCode).toBe(0);
    expect(unreadable).toEqual([]);
    expect([...jobs.keys()]).toEqual(ids.slice(0, 4));
    expect(jobs.has('999999')).toBe(false);
  });

  it('running R, held Q (the wrapper has no H), and every ended job C without an exit status', () => {
    const [run, hold, done, failed] = ids.map((id) => jobs.get(id));
    expect(run).toMatchObject({ state: 'R', requestedWalltime: 300 });
    expect(hold!.state).toBe('Q');
    expect(done!.state).toBe('C');
    expect(failed!.state).toBe('C');
    expect(failed!.exitStatus).toBeUndefined();
    expect(mapPbsState(run!, 'torque', false).state).toBe('running');
    expect(mapPbsState(hold!, 'torque', false).state).toBe('pending');
    expect(mapPbsState(failed!, 'torque', false).state).toBe('completed');
  });

  it('an unknown id alone: nothing at all, status 153', () => {
    const unknown = recorded('qstat-unknown');
    expect(unknown).toMatchObject({ exitCode: 153, stdout: '', stderr: '' });
    expect(parseQstatFull(unknown.stdout).jobs.size).toBe(0);
  });

  it('refuses -F json and -x with usage text and status 2, which reads as an option it does not have', () => {
    for (const name of ['qstat-json', 'qstat-history']) {
      const refusal = recorded(name);
      expect(refusal.exitCode).toBe(2);
      expect(refusedOption(asResult(refusal))).toBe(true);
    }
    expect(refusedOption(asResult(recorded('qstat-unknown')))).toBe(false);
    expect(refusedOption(asResult(r))).toBe(false);
  });

  it('the plain qstat table is not the -f format', () => {
    expect(parseQstatFull(recorded('qstat-plain').stdout).jobs.size).toBe(0);
  });
});

describe('PBS Pro qstat -f -F json -x (documented format)', () => {
  const jobs = parseQstatJson(documented('pbspro-qstat-f-F-json-x.json'))!;

  it('reads every job, keyed by number although the ids carry the full server name', () => {
    expect([...jobs.keys()]).toEqual(['1201', '1202', '1203', '1204', '1205', '1206', '1207', '1208[]']);
    expect(jobs.get('1201')!.id).toBe('1201.pbs01.cluster.example.org');
  });

  it.each([
    ['1201', 'R', 'running', undefined],
    ['1202', 'Q', 'pending', undefined],
    ['1203', 'H', 'held', undefined],
    ['1204', 'F', 'completed', 0],
    ['1205', 'F', 'failed', 3],
    ['1206', 'F', 'timeout', -29],
    ['1207', 'F', 'cancelled', 271],
    ['1208[]', 'B', 'running', undefined],
  ])('job %s: %s is %s (Exit_status %s)', (key, letter, state, exitStatus) => {
    const job = jobs.get(key)!;
    expect(job.state).toBe(letter);
    expect(job.exitStatus).toBe(exitStatus);
    expect(mapPbsState(job, 'pbspro', false).state).toBe(state);
  });

  it('keeps the comment and the walltimes (nested objects)', () => {
    expect(jobs.get('1202')!.comment).toBe('Not Running: Insufficient amount of resource: ncpus (R: 128 A: 2 T: 2)');
    expect(jobs.get('1206')).toMatchObject({ usedWalltime: 61, requestedWalltime: 60 });
    expect(jobs.get('1201')).toMatchObject({ usedWalltime: 100, requestedWalltime: 1200 });
  });

  it('no Jobs key: no job (an unknown id)', () => {
    expect(parseQstatJson(documented('pbspro-qstat-json-none.json'))!.size).toBe(0);
  });

  it('says undefined for invalid JSON (older PBS Pro with quotes in the environment), so the text form is used', () => {
    expect(parseQstatJson(documented('pbspro-qstat-json-invalid.json'))).toBeUndefined();
    expect(parseQstatJson('')).toBeUndefined();
    expect(parseQstatJson('[1,2]')).toBeUndefined();
    expect(parseQstatJson('{"Jobs":{"1.s":{"Job_Name":"no state"}}}')).toBeUndefined();
  });
});

describe('PBS Pro qstat -f -x text (documented format)', () => {
  const { jobs, unreadable } = parseQstatFull(documented('pbspro-qstat-f-x.txt'));

  it('reads four-space attributes and joins tab-indented continuations as they are', () => {
    expect(unreadable).toEqual([]);
    expect([...jobs.keys()]).toEqual(['1201', '1202', '1206']);
    expect(jobs.get('1202')!.comment).toBe('Not Running: Insufficient amount of resource: ncpus (R: 128 A: 2 T: 2)');
    expect(jobs.get('1206')!.comment).toBe('Job run at Mon Nov 16 at 10:00 on (node003:ncpus=1) and finished');
    expect(jobs.get('1206')).toMatchObject({ state: 'F', exitStatus: -29, usedWalltime: 61, requestedWalltime: 60 });
    expect(mapPbsState(jobs.get('1206')!, 'pbspro', false).state).toBe('timeout');
  });

  it('gives the same states as the JSON form', () => {
    const json = parseQstatJson(documented('pbspro-qstat-f-F-json-x.json'))!;
    for (const [key, job] of jobs) expect(job.state).toBe(json.get(key)!.state);
  });
});

describe('Torque qstat -f (documented format)', () => {
  const { jobs, unreadable } = parseQstatFull(documented('torque-qstat-f.txt'));

  it.each([
    ['3001', 'C', 'completed', 0],
    ['3002', 'C', 'failed', 1],
    ['3003', 'C', 'timeout', -11],
    ['3004', 'C', 'cancelled', 271],
    ['3005', 'R', 'running', undefined],
    ['3006', 'Q', 'pending', undefined],
  ])('job %s: %s is %s (exit_status %s)', (key, letter, state, exitStatus) => {
    expect(unreadable).toEqual([]);
    const job = jobs.get(key)!;
    expect(job).toMatchObject({ state: letter, id: `${key}.torque01.cluster.example.org` });
    expect(job.exitStatus).toBe(exitStatus);
    expect(mapPbsState(job, 'torque', false).state).toBe(state);
  });
});

describe('qstat -f text edge cases', () => {
  it('flags a job without job_state, and stray lines, as unreadable', () => {
    expect(parseQstatFull('Job Id: 5.s\n    Job_Name = x\n').unreadable).toEqual(['Job Id: 5.s']);
    expect(parseQstatFull('garbage before\nJob Id: 5.s\n    job_state = R\n').unreadable).toEqual([]);
    expect(parseQstatFull('Job Id: 5.s\n    job_state = R\nnot indented\n').unreadable).toEqual(['not indented']);
  });

  it('reads CRLF line ends', () => {
    expect(parseQstatFull('Job Id: 7.s\r\n    job_state = Q\r\n').jobs.get('7')!.state).toBe('Q');
  });
});

describe('gone messages and durations', () => {
  it.each([
    ['qstat: Unknown Job Id 999.pbs01', true],
    ['qstat: 1204.pbs01 Job has finished, use -x or -H to obtain historical job information', true],
    ['qdel: Unknown Job Id Error 999.torque01', true],
    ['qdel: Job has finished 1204.pbs01', true],
    ['qstat: cannot connect to server pbs01 (errno=111)', false],
    ['qdel: Unauthorized Request  1201.pbs01', false],
  ])('%j is a gone message: %s', (line, gone) => {
    expect(isGoneMessage(line)).toBe(gone);
  });

  it.each([['00:20:00', 1200], ['100:00:01', 360001], [' 61 ', 61], ['1:2:3', 3723], ['soon', undefined]])('%j is %s s', (text, seconds) => {
    expect(pbsDuration(text)).toBe(seconds);
  });
});
