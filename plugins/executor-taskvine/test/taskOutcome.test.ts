/** What a manager task's result means for the parsl-ts try: values and coded errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppTimeout, BashExitFailure, ErrorCodes, jsonSerializer, StagingError, WorkerLost } from '@parsl-ts/core';
import { TaskVineError, TaskVineErrorCodes } from '@parsl-ts/executor-taskvine';
import type { TaskResult } from '../src/sidecar/protocol.js';
import { bashOutcome, functionOutcome, type TaskOutcome } from '../src/tasks/taskOutcome.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-outcome-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const serializer = jsonSerializer();
const facts = { taskId: 7, appName: 'app', walltimeSeconds: 2, outputs: [] as { local: string; remote: string }[] };
const result = (fields: Partial<TaskResult>): TaskResult => ({ key: 1, result: 'success', resultCode: 0, exitCode: 0, output: '', host: 'node1', ...fields });
const failure = (outcome: TaskOutcome): unknown => (outcome.ok ? undefined : outcome.error);

describe('functionOutcome', () => {
  it('the result file holds the value, or the app\'s own error (which wins over the exit code)', () => {
    const file = join(dir, 'r');
    writeFileSync(file, serializer.serialize([true, { x: 1n }]));
    expect(functionOutcome(result({}), facts, file, serializer)).toEqual({ ok: true, value: { x: 1n } });
    writeFileSync(file, serializer.serialize([false, new RangeError('bad')]));
    expect(failure(functionOutcome(result({ exitCode: 3 }), facts, file, serializer))).toBeInstanceOf(RangeError);
  });

  it('no result file: walltime, a process that died, a runner that could not start, the manager giving up', () => {
    const none = join(dir, 'missing');
    expect(failure(functionOutcome(result({ result: 'output missing', exitCode: 124 }), facts, none, serializer))).toBeInstanceOf(AppTimeout);
    const lost = failure(functionOutcome(result({ result: 'output missing', exitCode: 75 }), facts, none, serializer)) as WorkerLost;
    expect(lost).toBeInstanceOf(WorkerLost);
    expect(lost.message).toContain('died before writing its result');
    const exited = failure(functionOutcome(result({ result: 'output missing', exitCode: 1, output: 'Error: boom' }), facts, none, serializer)) as WorkerLost;
    expect(exited.message).toMatch(/exited with code 1 before writing its result; it printed:\nError: boom/);
    const runner = failure(functionOutcome(result({ result: 'output missing', exitCode: 70, output: 'cannot load @parsl-ts/core' }), facts, none, serializer)) as TaskVineError;
    expect(runner.code).toBe(TaskVineErrorCodes.RunnerFailed);
    expect(runner.hint).toContain('workerBaseDir');
    for (const [managerResult, hint] of [['resource exhaustion', 'resources'], ['max retries', 'maxRetries'], ['forsaken', 'workers'], ['input missing', 'exists']] as const) {
      const error = failure(functionOutcome(result({ result: managerResult, resultCode: 16, exitCode: null }), facts, none, serializer)) as TaskVineError;
      expect(error).toBeInstanceOf(TaskVineError);
      expect(error.code).toBe(TaskVineErrorCodes.TaskFailed);
      expect(error.managerResult).toBe(managerResult);
      expect(error.message).toContain(`gave up task 7 (app): ${managerResult}`);
      expect(error.hint).toContain(hint);
    }
    expect(failure(functionOutcome(result({ result: 'max wall time', exitCode: 9 }), facts, none, serializer))).toBeInstanceOf(AppTimeout);
    expect(failure(functionOutcome(result({ result: 'signal', exitCode: 9 }), facts, none, serializer))).toBeInstanceOf(WorkerLost);
    const refused = failure(functionOutcome(result({ result: 'rejected', resultCode: -1, exitCode: null, error: 'ValueError: x' }), facts, none, serializer)) as TaskVineError;
    expect(refused.message).toContain('refused task 7 (app): ValueError: x');
  });

  it('a declared output that did not come back fails the try with a StagingError naming it', () => {
    const file = join(dir, 'r');
    writeFileSync(file, serializer.serialize([true, 'fine']));
    const outputs = [{ local: join(dir, 'made'), remote: 'out0-made' }, { local: join(dir, 'never'), remote: 'out1-never' }];
    writeFileSync(outputs[0]!.local, 'x');
    const error = failure(functionOutcome(result({ result: 'output missing' }), { ...facts, outputs }, file, serializer)) as StagingError;
    expect(error).toBeInstanceOf(StagingError);
    expect(error.code).toBe(ErrorCodes.Staging);
    expect(error.message).toContain(join(dir, 'never'));
    expect(error.message).not.toContain(join(dir, 'made'));
  });
});

describe('bashOutcome', () => {
  it('0 on exit 0, BashExitFailure with the exit code, AppTimeout when its walltime killed it', () => {
    expect(bashOutcome(result({}), facts)).toEqual({ ok: true, value: 0 });
    const exit = failure(bashOutcome(result({ exitCode: 3 }), facts)) as BashExitFailure;
    expect(exit).toBeInstanceOf(BashExitFailure);
    expect(exit.exitCode).toBe(3);
    expect(failure(bashOutcome(result({ exitCode: 124, started: 1000, ended: 3100 }), facts))).toBeInstanceOf(AppTimeout);
    // Exit 124 long before the walltime is the command's own exit code.
    expect((failure(bashOutcome(result({ exitCode: 124, started: 1000, ended: 1100 }), facts)) as BashExitFailure).exitCode).toBe(124);
    expect((failure(bashOutcome(result({ exitCode: 124 }), { ...facts, walltimeSeconds: undefined })) as BashExitFailure).exitCode).toBe(124);
  });
});
