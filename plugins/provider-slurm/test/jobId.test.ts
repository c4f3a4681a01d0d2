import { describe, expect, it } from 'vitest';
import { formatJobRef, parseJobRef, parseSbatchOutput } from '../src/jobId.js';
import { recorded } from './recorded.js';

describe('sbatch output', () => {
  it('reads the job id of the recorded `sbatch --parsable` (a bare number on this cluster)', () => {
    const r = recorded('sbatch-ok');
    expect(r.exitCode).toBe(0);
    const ref = parseSbatchOutput(r.stdout);
    expect(ref?.id).toMatch(/^\d+$/);
    expect(ref?.id).toBe(r.stdout.trim());
    expect(ref?.cluster).toBeUndefined();
  });

  it('reads the id from the recorded submission that printed a warning on stderr', () => {
    const r = recorded('sbatch-warning');
    expect(r.exitCode).toBe(0);
    expect(parseSbatchOutput(r.stdout)?.id).toMatch(/^\d+$/);
  });

  // Slurm's documented forms (sbatch(1): "--parsable: Outputs only the job id number and the
  // cluster name if present. The values are separated by a semicolon.") and site filters' noise.
  it.each([
    ['42\n', { id: '42' }],
    ['42;cluster2\n', { id: '42', cluster: 'cluster2' }],
    ['  42  \r\n', { id: '42' }],
    ['sbatch: INFO: Job is submitted to the debug queue\n42\n', { id: '42' }],
    ['42\nYour job will be charged to project abc\n', { id: '42' }],
    ['Submitted batch job 42\n', { id: '42' }],
    ['Submitted batch job 42 on cluster cl-2\n', { id: '42', cluster: 'cl-2' }],
    ['7_3\n', { id: '7_3' }],
  ])('parses %j', (stdout, expected) => {
    expect(parseSbatchOutput(stdout)).toEqual(expected);
  });

  it.each(['', '\n', 'sbatch: error: something\n', 'job 42 queued', '42;bad cluster', '-3'])('finds no id in %j', (stdout) => {
    expect(parseSbatchOutput(stdout)).toBeUndefined();
  });

  it('formats and parses ids both ways', () => {
    expect(formatJobRef({ id: '5' })).toBe('5');
    expect(formatJobRef({ id: '5', cluster: 'c' })).toBe('5;c');
    expect(parseJobRef('5;c')).toEqual({ id: '5', cluster: 'c' });
    expect(parseJobRef('5.server')).toBeUndefined();
  });
});
