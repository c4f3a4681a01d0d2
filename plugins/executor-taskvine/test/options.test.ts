/** Options of the TaskVineExecutor: defaults, and a ConfigError naming the option for bad values. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@parsl-ts/core';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';

describe('TaskVineExecutor options', () => {
  it('defaults: auto backend, one core per task, a generated password, no provider needed', () => {
    const executor = new TaskVineExecutor();
    expect(executor.label).toBe('taskvine');
    expect(executor.kind).toBe('taskvine');
    expect(executor.provider).toBeUndefined();
    expect(executor.options).toEqual({ label: 'taskvine' });
    const withProvider = new TaskVineExecutor({ label: 'v', workerCores: 3, provider: new LocalProvider({ maxBlocks: 1 }) });
    expect(withProvider.workersPerBlock).toBe(3);
    expect(withProvider.options).toMatchObject({ label: 'v', workerCores: 3, provider: 'local' });
  });

  it.each([
    [{ backend: 'condor' }, 'backend'],
    [{ workerCores: 0 }, 'workerCores'],
    [{ workerCores: 1.5 }, 'workerCores'],
    [{ port: -1 }, 'port'],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ submitWindow: 0 }, 'submitWindow'],
    [{ defaultResources: { cores: 0 } }, 'defaultResources.cores'],
    [{ factory: { batchType: '' } }, 'factory.batchType'],
    [{ factory: { batchType: 'slurm', maxWorkers: 0 } }, 'factory.maxWorkers'],
    [{ password: 3 }, 'password'],
    [{ provider: {} }, 'provider'],
  ])('refuses %j, naming %s', (options, path) => {
    let error: unknown;
    try {
      new TaskVineExecutor(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
  });
});
