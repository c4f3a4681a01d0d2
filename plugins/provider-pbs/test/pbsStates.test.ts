import { describe, expect, it } from 'vitest';
import { JobState, TERMINAL_JOB_STATES } from '@parsl-ts/core';
import { mapPbsState, PBS_STATE_LETTERS } from '../src/pbsStates.js';
import type { PbsJobReport } from '../src/qstatOutput.js';

const job = (state: string, extra: Partial<PbsJobReport> = {}): PbsJobReport => ({ id: '1.s', key: '1', state, ...extra });

describe('PBS state mapping', () => {
  // Every job_state of PBS Pro's qstat(1B) and Torque's qstat, with the core state of an active job.
  it.each([
    ['Q', JobState.pending], ['W', JobState.pending], ['T', JobState.pending], ['M', JobState.pending],
    ['H', JobState.held], ['S', JobState.held], ['U', JobState.held],
    ['R', JobState.running], ['B', JobState.running], ['E', JobState.running],
  ])('%s is %s', (letter, state) => {
    expect(mapPbsState(job(letter), 'pbspro', false).state).toBe(state);
    expect(TERMINAL_JOB_STATES.has(state)).toBe(false);
  });

  it('knows every letter, and says unknown for others', () => {
    expect([...PBS_STATE_LETTERS].sort()).toEqual(['B', 'C', 'E', 'F', 'H', 'M', 'Q', 'R', 'S', 'T', 'U', 'W', 'X']);
    expect(mapPbsState(job('Z'), 'pbspro', false).state).toBe(JobState.unknown);
  });

  it.each([
    // [flavor, letter, exit status, used/requested walltime, expected]
    ['pbspro', 'F', 0, undefined, JobState.completed],
    ['pbspro', 'F', 3, undefined, JobState.failed],
    ['pbspro', 'F', -29, undefined, JobState.timeout],
    ['pbspro', 'F', -27, undefined, JobState.failed],
    ['pbspro', 'F', 271, [61, 60], JobState.timeout],
    ['pbspro', 'F', 271, [30, 1200], JobState.cancelled],
    ['pbspro', 'F', 265, undefined, JobState.cancelled],
    ['pbspro', 'F', 267, undefined, JobState.failed],
    ['pbspro', 'F', -1, undefined, JobState.failed],
    ['pbspro', 'X', 0, undefined, JobState.completed],
    ['torque', 'C', 0, undefined, JobState.completed],
    ['torque', 'C', 1, undefined, JobState.failed],
    ['torque', 'C', -11, undefined, JobState.timeout],
    ['torque', 'C', -29, undefined, JobState.failed],
    ['pbspro', 'F', -11, undefined, JobState.failed],
    ['torque', 'C', undefined, undefined, JobState.completed],
  ] as const)('%s %s with exit status %s (walltime %j) is %s', (flavor, letter, exitStatus, walltime, state) => {
    const report = job(letter, {
      ...(exitStatus !== undefined ? { exitStatus } : {}),
      ...(walltime ? { usedWalltime: walltime[0], requestedWalltime: walltime[1] } : {}),
    });
    const mapped = mapPbsState(report, flavor, false);
    expect(mapped.state).toBe(state);
    if (exitStatus !== undefined && exitStatus !== 0) expect(mapped.exitCode).toBe(exitStatus);
  });

  it('a job this provider deleted is cancelled, whatever its exit status', () => {
    expect(mapPbsState(job('F', { exitStatus: 271 }), 'pbspro', true).state).toBe(JobState.cancelled);
    expect(mapPbsState(job('C'), 'torque', true).state).toBe(JobState.cancelled);
  });

  it('says why in the message: the comment, the limit, the signal', () => {
    expect(mapPbsState(job('Q', { comment: 'Not Running: Insufficient amount of resource: ncpus' }), 'pbspro', false).message)
      .toBe('queued (Q) (Not Running: Insufficient amount of resource: ncpus)');
    expect(mapPbsState(job('F', { exitStatus: -27 }), 'pbspro', false).message).toMatch(/killed over its mem/);
    expect(mapPbsState(job('F', { exitStatus: 267 }), 'pbspro', false).message).toMatch(/killed by signal 11/);
    expect(mapPbsState(job('C'), 'torque', false).message).toMatch(/reports no exit status/);
  });
});
