import { describe, expect, it } from 'vitest';
import { ParslError, SchedulerCommandError } from '@parsl-ts/core';
import { SrunLauncher } from '@parsl-ts/launchers';
import { SlurmCommandError, SlurmProvider } from '../src/index.js';
import { sbatchHint } from '../src/SlurmCommandError.js';
import { formatSlurmTime } from '../src/submitScript.js';
import { recorded } from './recorded.js';

describe('SlurmProvider options', () => {
  it("has Parsl's defaults", () => {
    const p = new SlurmProvider();
    expect(p).toMatchObject({
      label: 'slurm', initBlocks: 1, minBlocks: 0, maxBlocks: 1, parallelism: 1, nodesPerBlock: 1, walltimeSeconds: 600,
      exclusive: true, statusPollingInterval: 60, cmdTimeout: 30, workerInit: '', schedulerOptions: '',
    });
    expect(p.partition).toBeUndefined();
    expect(p.coresPerNode).toBeUndefined();
    expect(p.launcher.name).toBe('srun (built in)');
  });

  it('takes walltime as seconds, HH:MM:SS or D-HH:MM:SS', () => {
    expect(new SlurmProvider({ walltime: 90 }).walltimeSeconds).toBe(90);
    expect(new SlurmProvider({ walltime: '01:30:00' }).walltimeSeconds).toBe(5400);
    expect(new SlurmProvider({ walltime: '2-01:00:00' }).walltimeSeconds).toBe(2 * 86400 + 3600);
    expect(new SlurmProvider({ walltime: '100:00:00' }).walltimeSeconds).toBe(360_000);
  });

  it.each([
    [{ walltime: 0 }, 'SlurmProvider.walltime'],
    [{ walltime: '1 hour' }, 'SlurmProvider.walltime'],
    [{ nodesPerBlock: 0 }, 'SlurmProvider.nodesPerBlock'],
    [{ maxBlocks: 1, minBlocks: 2 }, 'SlurmProvider.maxBlocks'],
    [{ initBlocks: 3, maxBlocks: 2 }, 'SlurmProvider.initBlocks'],
    [{ partition: '' }, 'SlurmProvider.partition'],
    [{ partition: 'a\nb' }, 'SlurmProvider.partition'],
    [{ account: 'x"y' }, 'SlurmProvider.account'],
    [{ exclusive: 'yes' }, 'SlurmProvider.exclusive'],
    [{ memPerNode: 1.5 }, 'SlurmProvider.memPerNode'],
    [{ coresPerNode: 0 }, 'SlurmProvider.coresPerNode'],
    [{ launcher: 'srun' }, 'SlurmProvider.launcher'],
    [{ env: { 'A-B': 'x' } }, 'SlurmProvider.env.A-B'],
    [{ template: 'echo hi {{command}}' }, 'SlurmProvider.template'],
    [{ template: '#!/bin/sh\n{{nope}}\n{{command}}' }, 'SlurmProvider.template'],
    [{ template: '#!/bin/sh\n{{directives}}\n' }, 'SlurmProvider.template'],
    [{ partiton: 'debug' }, 'SlurmProvider.partiton'],
    [{ cmdTimeout: 0 }, 'SlurmProvider.cmdTimeout'],
  ])('refuses %j with PARSL_INVALID_CONFIG naming %s', (options, path) => {
    let error: unknown;
    try {
      new SlurmProvider(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParslError);
    expect(error).toMatchObject({ code: 'PARSL_INVALID_CONFIG', path });
    expect((error as ParslError).hint).toBeTruthy();
  });
});

describe('the submit script', () => {
  it('has every #SBATCH directive before the first command, then env, workerInit and the launcher\'s text', () => {
    const p = new SlurmProvider({
      partition: 'debug', account: 'proj 1', qos: 'high', constraint: 'a&b', walltime: '01:00:30', nodesPerBlock: 2,
      coresPerNode: 8, memPerNode: 2048, exclusive: true, schedulerOptions: '#SBATCH --gpus-per-node=1',
      workerInit: 'module load node', env: { GREETING: "it's me" }, scriptDir: '/shared/run 1%x', launcher: new SrunLauncher({ debug: false }),
    });
    const script = p.renderScript('parsl-ts-worker-pool --url ws://h:1', 2, 'parsl.htex.block-0');
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    const firstCommand = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
    const directives = lines.filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      '#SBATCH --job-name=parsl.htex.block-0',
      '#SBATCH --output="/shared/run 1%%x/parsl.htex.block-0.stdout"',
      '#SBATCH --error="/shared/run 1%%x/parsl.htex.block-0.stderr"',
      '#SBATCH --nodes=2',
      '#SBATCH --ntasks-per-node=2',
      '#SBATCH --time=01:00:30',
      '#SBATCH --partition=debug',
      '#SBATCH --account="proj 1"',
      '#SBATCH --qos=high',
      '#SBATCH --constraint=a&b',
      '#SBATCH --exclusive',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=2048M',
      '#SBATCH --gpus-per-node=1',
    ]);
    expect(lines.findLastIndex((l) => l.startsWith('#SBATCH'))).toBeLessThan(firstCommand);
    expect(script).toContain("export GREETING='it'\\''s me'");
    expect(script).toContain('export JOBNAME=parsl.htex.block-0');
    expect(script.indexOf('module load node')).toBeLessThan(script.indexOf('srun --ntasks 4 --ntasks-per-node 2'));
    expect(script).toContain(new SrunLauncher({ debug: false }).wrap('parsl-ts-worker-pool --url ws://h:1', 2, 2));
  });

  it('leaves out what is not set, and renders a user template', () => {
    const plain = new SlurmProvider({ exclusive: false }).renderScript('hostname', 1, 'b');
    expect(plain).not.toMatch(/--partition|--account|--qos|--constraint|--exclusive|--mem|--cpus-per-task/);
    const p = new SlurmProvider({ template: '#!/bin/sh\n{{directives}}\n# {{jobName}} {{nodesPerBlock}}x{{tasksPerNode}} {{walltime}}\n{{command}}\n', walltime: 61 });
    const script = p.renderScript('hostname', 3, 'tmpl');
    expect(script).toMatch(/^#!\/bin\/sh\n#SBATCH --job-name=tmpl\n/);
    expect(script).toContain('# tmpl 1x3 00:01:01');
    expect(script).toContain('srun --ntasks 3 --ntasks-per-node 3 bash -c');
  });

  it.each([[1, '00:00:01'], [59.2, '00:01:00'], [3600, '01:00:00'], [86399, '23:59:59'], [86400, '1-00:00:00'], [90061, '1-01:01:01']])(
    'formats %s s as --time=%s', (seconds, text) => {
      expect(formatSlurmTime(seconds)).toBe(text);
    });
});

describe('SlurmCommandError', () => {
  it('quotes the command line, exit status and stderr of the recorded refusals, with a hint for each', () => {
    for (const [name, hint] of [
      ['sbatch-bad-partition', /partition/],
      ['sbatch-too-many-nodes', /nodesPerBlock/],
      ['sbatch-bad-constraint', /constraint/],
      ['sbatch-too-much-memory', /memPerNode/],
    ] as const) {
      const r = recorded(name);
      const result = { commandLine: r.cmd, exitCode: r.exitCode, signal: null, stdout: r.stdout, stderr: r.stderr, timedOut: false };
      const error = new SlurmCommandError('PARSL_PROVIDER_SUBMIT', 'sbatch refused the block b', result, sbatchHint(result));
      expect(error).toBeInstanceOf(ParslError);
      expect(error.code).toBe('PARSL_PROVIDER_SUBMIT');
      expect(error.message).toContain(`command: ${r.cmd}`);
      expect(error.message).toContain(`exited with status ${r.exitCode}`);
      expect(error.message).toContain(r.stderr.trim().split('\n').at(-1)!);
      expect(error.hint).toMatch(hint);
      expect(error.exitCode).toBe(1);
      expect(error).toBeInstanceOf(SchedulerCommandError);
      expect(error.name).toBe('SlurmCommandError');
    }
  });
});
