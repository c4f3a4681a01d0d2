import { describe, expect, it } from 'vitest';
import { JobState, TERMINAL_JOB_STATES } from '@parsl-ts/core';
import { mapSlurmState, SLURM_STATE_NAMES } from '../src/slurmStates.js';

// Every state of squeue(1) "JOB STATE CODES", long and short, with the core state it maps to.
const TABLE: [long: string, short: string, state: string][] = [
  ['BOOT_FAIL', 'BF', JobState.failed],
  ['CANCELLED', 'CA', JobState.cancelled],
  ['COMPLETED', 'CD', JobState.completed],
  ['CONFIGURING', 'CF', JobState.pending],
  ['COMPLETING', 'CG', JobState.running],
  ['DEADLINE', 'DL', JobState.timeout],
  ['FAILED', 'F', JobState.failed],
  ['NODE_FAIL', 'NF', JobState.failed],
  ['OUT_OF_MEMORY', 'OOM', JobState.failed],
  ['PENDING', 'PD', JobState.pending],
  ['PREEMPTED', 'PR', JobState.cancelled],
  ['RUNNING', 'R', JobState.running],
  ['RESV_DEL_HOLD', 'RD', JobState.held],
  ['REQUEUE_FED', 'RF', JobState.pending],
  ['REQUEUE_HOLD', 'RH', JobState.held],
  ['REQUEUED', 'RQ', JobState.pending],
  ['RESIZING', 'RS', JobState.running],
  ['REVOKED', 'RV', JobState.failed],
  ['SIGNALING', 'SI', JobState.running],
  ['SPECIAL_EXIT', 'SE', JobState.failed],
  ['STAGE_OUT', 'SO', JobState.running],
  ['STOPPED', 'ST', JobState.held],
  ['SUSPENDED', 'S', JobState.held],
  ['TIMEOUT', 'TO', JobState.timeout],
];

describe('Slurm state mapping', () => {
  it.each(TABLE)('%s (%s) is %s', (long, short, state) => {
    expect(mapSlurmState(long)).toEqual({ state, long });
    expect(mapSlurmState(short)).toEqual({ state, long });
    expect(mapSlurmState(long.toLowerCase()).state).toBe(state);
  });

  it('covers every state in the table and no other', () => {
    expect([...SLURM_STATE_NAMES].sort()).toEqual(TABLE.map(([long]) => long).sort());
  });

  it('only ended jobs map to terminal core states', () => {
    const ending = new Set(['BOOT_FAIL', 'CANCELLED', 'COMPLETED', 'DEADLINE', 'FAILED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'REVOKED', 'SPECIAL_EXIT', 'TIMEOUT']);
    for (const [long] of TABLE) expect(TERMINAL_JOB_STATES.has(mapSlurmState(long).state)).toBe(ending.has(long));
  });

  it('a pending job on hold is held; other pending reasons stay pending', () => {
    expect(mapSlurmState('PENDING', 'JobHeldUser').state).toBe(JobState.held);
    expect(mapSlurmState('PD', 'JobHeldAdmin').state).toBe(JobState.held);
    expect(mapSlurmState('PENDING', 'Resources').state).toBe(JobState.pending);
    expect(mapSlurmState('PENDING', 'Priority').state).toBe(JobState.pending);
    expect(mapSlurmState('RUNNING', 'JobHeldUser').state).toBe(JobState.running);
  });

  it('ignores suffixes (sacct prints `CANCELLED by 0`) and says unknown for names it does not know', () => {
    expect(mapSlurmState('CANCELLED by 0').state).toBe(JobState.cancelled);
    expect(mapSlurmState('COMPLETED+').state).toBe(JobState.completed);
    expect(mapSlurmState('WHATEVER')).toEqual({ state: JobState.unknown, long: 'WHATEVER' });
  });
});
