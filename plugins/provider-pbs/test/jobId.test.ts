import { describe, expect, it } from 'vitest';
import { jobKey, parseQsubOutput } from '../src/jobId.js';
import { recorded } from './recorded.js';

describe('PBS job ids', () => {
  it("reads the recorded qsub output of Slurm's Torque wrapper: a bare number", () => {
    const r = recorded('qsub-ok');
    expect(r.exitCode).toBe(0);
    expect(parseQsubOutput(r.stdout)).toBe(r.stdout.trim());
    expect(parseQsubOutput(r.stdout)).toMatch(/^\d+$/);
    expect(parseQsubOutput(recorded('qsub-held').stdout)).toMatch(/^\d+$/);
  });

  it.each([
    ['1201.pbs01\n', '1201.pbs01'],
    ['1201.pbs01.cluster.example.org\n', '1201.pbs01.cluster.example.org'],
    ['1208[].pbs01\n', '1208[].pbs01'],
    ['56\n', '56'],
    ['Job submitted to queue workq. Charging project abc.\n1201.pbs01\n', '1201.pbs01'],
    ['1201.pbs01\nqsub: warning: walltime rounded up\n', '1201.pbs01'],
  ])('finds the id in %j', (stdout, id) => {
    expect(parseQsubOutput(stdout)).toBe(id);
  });

  it.each(['', 'qsub: Unknown queue\n', "There was an error running the Slurm sbatch command.\n'/usr/bin/sbatch -p x 1.sh'\n"])('finds none in %j', (stdout) => {
    expect(parseQsubOutput(stdout)).toBeUndefined();
  });

  it('keys ids by number, so a server suffix that differs between qsub and qstat does not matter', () => {
    expect(jobKey('1201.pbs01')).toBe('1201');
    expect(jobKey('1201.pbs01.cluster.example.org')).toBe('1201');
    expect(jobKey('56')).toBe('56');
    expect(jobKey('1208[].pbs01')).toBe('1208[]');
    expect(jobKey('1208[3].pbs01')).toBe('1208[3]');
    expect(jobKey('x12')).toBeUndefined();
    expect(jobKey('12;cluster')).toBeUndefined();
  });
});
