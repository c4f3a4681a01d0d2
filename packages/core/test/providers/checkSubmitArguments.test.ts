import { describe, expect, it } from 'vitest';
import { checkSubmitArguments, ConfigError } from '../../src/index.js';

describe('checkSubmitArguments', () => {
  it('accepts a command line and a whole number of tasks per node', () => {
    expect(() => checkSubmitArguments('TestProvider', 'parsl-ts-worker-pool --url ws://h:1', 4)).not.toThrow();
  });

  it.each([[''], ['   '], [5], [undefined]])('refuses the command %j with a coded error', (command) => {
    let error: unknown;
    try { checkSubmitArguments('TestProvider', command, 1); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'command', hint: 'pass the worker command' });
    expect((error as Error).message).toMatch(/^command: TestProvider.submit needs a command line, got /);
  });

  it.each([[0], [1.5], ['2'], [NaN]])('refuses tasksPerNode %j with a coded error', (tasksPerNode) => {
    let error: unknown;
    try { checkSubmitArguments('TestProvider', 'true', tasksPerNode); } catch (e) { error = e; }
    expect(error).toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'tasksPerNode', hint: 'start at least one copy per node' });
    expect((error as Error).message).toMatch(/^tasksPerNode: must be a whole number >= 1, got /);
  });
});
