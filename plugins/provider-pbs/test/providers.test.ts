import { describe, expect, it } from 'vitest';
import { instantiatePlugin, ParslError, registerPlugin, SchedulerCommandError, type ExecutionProvider } from '@parsl-ts/core';
import { MpiExecLauncher, plugin as launchersPlugin } from '@parsl-ts/launchers';
import { PBSProProvider, PbsCommandError, plugin, TorqueProvider } from '../src/index.js';
import { qsubHint } from '../src/PbsCommandError.js';
import pkg from '../package.json' with { type: 'json' };
import { recorded } from './recorded.js';

describe('PBS provider options', () => {
  it("have Parsl's defaults", () => {
    for (const p of [new PBSProProvider(), new TorqueProvider()]) {
      expect(p).toMatchObject({ initBlocks: 1, minBlocks: 0, maxBlocks: 1, parallelism: 1, nodesPerBlock: 1, walltimeSeconds: 1200, statusPollingInterval: 60, cmdTimeout: 30 });
      expect(p.launcher.name).toBe('single-node (built in)');
    }
    expect(new PBSProProvider()).toMatchObject({ label: 'pbspro', cpusPerNode: 1, coresPerNode: 1, place: 'scatter', selectOptions: '' });
    expect(new TorqueProvider().label).toBe('torque');
    expect(new TorqueProvider().coresPerNode).toBeUndefined();
  });

  it.each([
    [() => new PBSProProvider({ queue: 'a b' }), 'PBSProProvider.queue'],
    [() => new PBSProProvider({ account: "x'y" }), 'PBSProProvider.account'],
    [() => new PBSProProvider({ cpusPerNode: 0 }), 'PBSProProvider.cpusPerNode'],
    [() => new PBSProProvider({ walltime: -1 }), 'PBSProProvider.walltime'],
    [() => new PBSProProvider({ place: 'scatter excl' }), 'PBSProProvider.place'],
    [() => new TorqueProvider({ cpusPerNode: 4 } as never), 'TorqueProvider.cpusPerNode'],
    [() => new TorqueProvider({ maxBlocks: 0, initBlocks: 1 }), 'TorqueProvider.initBlocks'],
    [() => new TorqueProvider({ template: '{{command}}' }), 'TorqueProvider.template'],
    [() => new TorqueProvider({ launcher: {} as never }), 'TorqueProvider.launcher'],
  ])('refuses bad options with PARSL_INVALID_CONFIG naming them (%#)', (make, path) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParslError);
    expect(error).toMatchObject({ code: 'PARSL_INVALID_CONFIG', path });
  });
});

describe('submit scripts', () => {
  it('PBSProProvider: select with ncpus, mpiprocs, mem and extra options, place, walltime, then env, workerInit, command', () => {
    const p = new PBSProProvider({
      nodesPerBlock: 2, cpusPerNode: 64, memPerNode: 4096, selectOptions: 'ngpus=4', place: 'scatter:excl', walltime: '30:00:01',
      schedulerOptions: '#PBS -l filesystems=home', workerInit: 'module load node', env: { A: 'b c' }, launcher: new MpiExecLauncher({ debug: false }),
    });
    const script = p.renderScript('parsl-ts-worker-pool', 1, 'parsl.htex.block-0');
    expect(script.split('\n').filter((l) => l.startsWith('#PBS'))).toEqual([
      '#PBS -S /bin/bash', '#PBS -m n', '#PBS -l walltime=30:00:01', '#PBS -l select=2:ncpus=64:mpiprocs=1:mem=4096mb:ngpus=4',
      '#PBS -l place=scatter:excl', '#PBS -l filesystems=home',
    ]);
    expect(script).toContain("export A='b c'");
    expect(script.indexOf('module load node')).toBeLessThan(script.indexOf('mpiexec'));
    expect(script).toContain(new MpiExecLauncher({ debug: false }).wrap('parsl-ts-worker-pool', 1, 2));
  });

  it('TorqueProvider: nodes and ppn', () => {
    const script = new TorqueProvider({ nodesPerBlock: 3, walltime: 90 }).renderScript('hostname', 4, '0-starts-with-a-digit');
    expect(script).toContain('#PBS -l nodes=3:ppn=4');
    expect(script).toContain('#PBS -l walltime=00:01:30');
    // PBS job names start with a letter.
    expect(script).toContain('export JOBNAME=p0-starts-with-a-digit');
  });
});

describe('PbsCommandError', () => {
  it("quotes qsub's error that Slurm's wrapper prints on stdout, with a hint", () => {
    const r = recorded('qsub-bad-queue');
    const result = { commandLine: r.cmd, exitCode: r.exitCode, signal: null, stdout: r.stdout, stderr: r.stderr, timedOut: false };
    const error = new PbsCommandError('PARSL_PROVIDER_SUBMIT', 'qsub refused the block b', result, qsubHint(result));
    expect(error.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(error.message).toContain('exited with status 1');
    expect(error.message).toContain('sbatch: error: invalid partition specified: nosuchqueue');
    expect(error.hint).toMatch(/queue/);
    expect(error).toBeInstanceOf(SchedulerCommandError);
    expect(error.name).toBe('PbsCommandError');
  });
});

describe('plugin manifest', () => {
  it('comes from package.json, with both providers as factories', () => {
    expect(plugin).toMatchObject({ name: '@parsl-ts/provider-pbs', version: pkg.version, kind: 'provider', maturity: 'experimental', defaultFactory: 'PBSProProvider' });
    expect(Object.keys(plugin.factories).sort()).toEqual(['PBSProProvider', 'TorqueProvider']);
  });

  it('builds providers from config-file entries, with a launcher named by package', async () => {
    registerPlugin(plugin);
    registerPlugin(launchersPlugin);
    const torque = await instantiatePlugin<ExecutionProvider>({
      package: '@parsl-ts/provider-pbs', export: 'TorqueProvider',
      options: { queue: 'batch', walltime: '00:10:00', launcher: { package: '@parsl-ts/launchers', export: 'MpiExecLauncher' } },
    }, 'provider');
    expect(torque).toBeInstanceOf(TorqueProvider);
    expect(torque.launcher.name).toBe('mpiexec');
    expect(torque.walltimeSeconds).toBe(600);
    const pro = await instantiatePlugin<ExecutionProvider>({ package: '@parsl-ts/provider-pbs', options: { cpusPerNode: 8 } }, 'provider');
    expect(pro).toBeInstanceOf(PBSProProvider);
    expect(pro.coresPerNode).toBe(8);
  });
});
