// LocalProvider's options: Parsl's defaults, and coded errors for bad ones.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@parsl-ts/core';
import { LocalProvider, type LocalProviderOptions } from '../src/index.js';

describe('LocalProvider options', () => {
  it("has Parsl's defaults", () => {
    const p = new LocalProvider();
    expect({
      label: p.label, initBlocks: p.initBlocks, minBlocks: p.minBlocks, maxBlocks: p.maxBlocks, parallelism: p.parallelism,
      nodesPerBlock: p.nodesPerBlock, walltimeSeconds: p.walltimeSeconds, workerInit: p.workerInit, cmdTimeout: p.cmdTimeout,
      statusPollingInterval: p.statusPollingInterval, cancelGrace: p.cancelGrace, env: p.env,
    }).toEqual({
      label: 'local', initBlocks: 1, minBlocks: 0, maxBlocks: 1, parallelism: 1, nodesPerBlock: 1, walltimeSeconds: undefined,
      workerInit: '', cmdTimeout: 30, statusPollingInterval: 5, cancelGrace: 5, env: {},
    });
    expect(p.launcher.name).toBe('single-node (built in)');
  });

  it('takes walltime as seconds or HH:MM:SS', () => {
    expect(new LocalProvider({ walltime: 90 }).walltimeSeconds).toBe(90);
    expect(new LocalProvider({ walltime: '01:30:05' }).walltimeSeconds).toBe(5405);
    expect(new LocalProvider({ walltime: '36:00:00' }).walltimeSeconds).toBe(129600);
  });

  it('takes any launcher object', () => {
    const launcher = { name: 'mine', wrap: (c: string) => c };
    expect(new LocalProvider({ launcher }).launcher).toBe(launcher);
  });

  it('is plain data apart from its launcher: a JSON round trip keeps its settings', () => {
    const p = new LocalProvider({ maxBlocks: 3, walltime: 60, env: { A: 'b' } });
    const copy = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
    expect(copy).toMatchObject({ maxBlocks: 3, walltimeSeconds: 60, env: { A: 'b' }, label: 'local' });
  });

  const invalid: Array<[string, LocalProviderOptions | unknown, RegExp]> = [
    ['maxBlocks below minBlocks', { minBlocks: 3, maxBlocks: 2 }, /maxBlocks: \(2\) is below minBlocks \(3\)/],
    ['initBlocks above maxBlocks', { initBlocks: 2 }, /initBlocks: \(2\) is above maxBlocks \(1\)/],
    ['negative walltime', { walltime: -5 }, /walltime: must be more than 0 seconds/],
    ['zero walltime', { walltime: '00:00:00' }, /walltime: must be seconds or 'HH:MM:SS'/],
    ['walltime that is not a time', { walltime: '1 hour' }, /walltime: must be seconds or 'HH:MM:SS'/],
    ['negative minBlocks', { minBlocks: -1 }, /minBlocks: must be a whole number >= 0/],
    ['fractional maxBlocks', { maxBlocks: 1.5 }, /maxBlocks: must be a whole number >= 0/],
    ['parallelism above 1', { parallelism: 2 }, /parallelism: must be a number between 0 and 1/],
    ['nodesPerBlock 0', { nodesPerBlock: 0 }, /nodesPerBlock: must be a whole number >= 1/],
    ['cmdTimeout 0', { cmdTimeout: 0 }, /cmdTimeout: must be a number > 0/],
    ['negative cancelGrace', { cancelGrace: -1 }, /cancelGrace: must be a number >= 0/],
    ['workerInit not a string', { workerInit: ['module load x'] }, /workerInit: must be a string/],
    ['empty label', { label: '' }, /label: must be a non-empty string/],
    ['launcher not a launcher', { launcher: 'srun' }, /launcher: must be a launcher/],
    ['env with a bad name', { env: { 'A-B': 'x' } }, /env.A-B: is not a valid environment variable name/],
    ['env with a non-string value', { env: { A: 1 } }, /env.A: must be a string/],
    ['unknown option', { maxblocks: 2 }, /maxblocks: is not an option of LocalProvider/],
    ['options not an object', 'local', /must be an object/],
  ];
  it.each(invalid)('%s is a coded ConfigError with a hint', (_, options, message) => {
    let error: unknown;
    try {
      new LocalProvider(options as LocalProviderOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('PARSL_INVALID_CONFIG');
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).hint).toBeTruthy();
  });

  it('refuses bad submit arguments with coded errors', async () => {
    const p = new LocalProvider();
    await expect(p.submit('', 1, 'x')).rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'command' });
    await expect(p.submit('true', 0, 'x')).rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'tasksPerNode' });
  });

  it('answers missing for ids it does not know, and cannot cancel them', async () => {
    const p = new LocalProvider();
    const [status] = await p.status(['local-999999', 'nonsense']);
    expect(status).toMatchObject({ state: 'missing' });
    expect(await p.status([])).toEqual([]);
    expect(await p.cancel(['local-999999'])).toEqual([false]);
    expect(p.pidOf('local-999999')).toBeUndefined();
  });
});
