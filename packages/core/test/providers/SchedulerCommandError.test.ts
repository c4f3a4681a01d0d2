// The message, fields, code and hint of SchedulerCommandError for each way a command can fail.
import { describe, expect, it } from 'vitest';
import { ErrorCodes, ParslError, SchedulerCommandError, type SchedulerCommandResult } from '../../src/index.js';

const base: SchedulerCommandResult = { commandLine: 'squeue -j 1', exitCode: 1, signal: null, stdout: '', stderr: '', timedOut: false };

describe('SchedulerCommandError', () => {
  it('quotes the command line, its exit status and what it printed, and keeps them in fields', () => {
    const result = { ...base, stderr: 'squeue: error: Invalid user\n', stdout: 'partial\n' };
    const error = new SchedulerCommandError(ErrorCodes.ProviderCommand, 'squeue failed', result, 'check slurmctld');
    expect(error).toBeInstanceOf(ParslError);
    expect(error).toMatchObject({
      code: 'PARSL_PROVIDER_COMMAND', hint: 'check slurmctld', name: 'SchedulerCommandError',
      commandLine: 'squeue -j 1', exitCode: 1, stderr: result.stderr, stdout: 'partial\n',
    });
    expect(error.message).toBe('squeue failed: it exited with status 1\n  command: squeue -j 1\n  stderr: squeue: error: Invalid user\n  stdout: partial');
    expect(error.cause).toBeUndefined();
  });

  it('says when a command timed out, was killed, printed nothing or is not installed', () => {
    expect(new SchedulerCommandError(ErrorCodes.ProviderCommand, 'squeue failed', { ...base, exitCode: null, timedOut: true, signal: 'SIGTERM' }, 'h').message)
      .toMatch(/did not finish within its time limit/);
    expect(new SchedulerCommandError(ErrorCodes.ProviderCommand, 'squeue failed', { ...base, exitCode: null, signal: 'SIGSEGV' }, 'h').message)
      .toBe('squeue failed: it was killed by SIGSEGV\n  command: squeue -j 1\n  (it printed nothing)');
    const missing = Object.assign(new Error('spawn squeue ENOENT'), { code: 'ENOENT' });
    const error = new SchedulerCommandError(ErrorCodes.ProviderSubmit, 'sbatch refused the block b', { ...base, exitCode: null, spawnError: missing }, 'h');
    expect(error.message).toMatch(/could not be started \(ENOENT\)/);
    expect(error.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(error.cause).toBe(missing);
  });

  it('shows the first 8 lines of long output, indented, and how many more there were', () => {
    const stderr = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
    const { message } = new SchedulerCommandError(ErrorCodes.ProviderCommand, 'qstat failed', { ...base, stderr }, 'h');
    expect(message).toContain('  stderr: line 1\n          line 2\n');
    expect(message).toContain('          line 8\n          ... (4 more lines)');
    expect(message).not.toContain('line 9');
  });

  it('keeps its subclasses apart by name (providers name their scheduler)', () => {
    class SlurmLikeError extends SchedulerCommandError {}
    const error = new SlurmLikeError(ErrorCodes.ProviderCommand, 'scancel failed', base, 'h');
    expect(error.name).toBe('SlurmLikeError');
    expect(error).toBeInstanceOf(SchedulerCommandError);
    expect(error).toBeInstanceOf(SlurmLikeError);
    expect(new SchedulerCommandError(ErrorCodes.ProviderCommand, 'x', base, 'h')).not.toBeInstanceOf(SlurmLikeError);
  });
});
