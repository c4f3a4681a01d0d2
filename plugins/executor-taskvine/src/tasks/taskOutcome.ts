import { existsSync, readFileSync } from 'node:fs';
import { AppTimeout, BashExitFailure, StagingError, WorkerLost, type Serializer } from '@parsl-ts/core';
import { RunnerExit, type ResourceSample, type ResultPayload } from '../runner/runner.js';
import type { FileSpec, TaskResult } from '../sidecar/protocol.js';
import { TaskVineError, TaskVineErrorCodes } from '../TaskVineError.js';

/** What a try came to: a value, or the error its future rejects with; and what it used, when measured. */
export type TaskOutcome =
  | { readonly ok: true; readonly value: unknown; readonly usage?: ResourceSample }
  | { readonly ok: false; readonly error: unknown; readonly usage?: ResourceSample };

/** What the executor knows about the try whose manager task ended. */
export interface TryFacts {
  readonly taskId: number;
  readonly appName: string;
  readonly walltimeSeconds: number | undefined;
  /** Output files the app declared (to name the missing ones). */
  readonly outputs: readonly FileSpec[];
}

function tail(result: TaskResult): string {
  const text = (result.output ?? '').trim();
  return text ? `; it printed:\n${text.split('\n').slice(-15).join('\n')}` : '';
}

/**
 * The declared outputs that did not come back, when the manager says one is missing (a file left
 * from an earlier run may hide which: then every declared output is named).
 */
function missingOutputs(result: TaskResult, outputs: readonly FileSpec[]): string[] {
  if (result.result !== 'output missing' || outputs.length === 0) return [];
  const missing = outputs.filter((o) => !existsSync(o.local)).map((o) => o.local);
  return missing.length > 0 ? missing : outputs.map((o) => o.local);
}

function missingOutputError(facts: TryFacts, missing: readonly string[]): StagingError {
  return new StagingError(missing[0]!, `app ${facts.appName} (task ${facts.taskId}) finished without writing its output ${missing.join(', ')}`, {
    hint: 'the app must write every File of its outputs (inside the task, the File\'s path is its name in the sandbox)',
  });
}

/** A failure that comes from the manager itself, not from the task's command. */
function managerFailure(result: TaskResult, facts: TryFacts): unknown {
  if (result.result === 'rejected') {
    return new TaskVineError(TaskVineErrorCodes.TaskFailed, `the manager refused task ${facts.taskId} (${facts.appName}): ${result.error ?? 'no reason given'}`, {
      managerResult: result.result, hint: 'this is a bug of the executor or of its sidecar: please report it with the message',
    });
  }
  if (result.result === 'max wall time' || result.result === 'max end time') return new AppTimeout(facts.appName, facts.walltimeSeconds ?? 0);
  if (result.result === 'signal') return new WorkerLost(facts.taskId, `the task's command was killed by a signal on ${result.host ?? 'its worker'}${tail(result)}`);
  const hints: Record<string, string> = {
    'resource exhaustion': 'the task used more than the cores, memory or disk it asked for: raise them in the app\'s resources',
    'max retries': 'the task was tried the most times the manager allows (maxRetries) without finishing: look at the workers\' logs',
    forsaken: 'no worker could run the task (workers lost or refused it): check that workers with enough resources are connected',
    'input missing': 'an input file of the task could not be sent to the worker: check that it exists and is readable',
  };
  return new TaskVineError(TaskVineErrorCodes.TaskFailed,
    `the manager gave up task ${facts.taskId} (${facts.appName}): ${result.result}${result.exitCode !== null && result.exitCode >= 0 ? ` (exit code ${result.exitCode})` : ''}${tail(result)}`, {
      managerResult: result.result, hint: hints[result.result] ?? 'see the manager\'s logs in the executor\'s run directory',
    });
}

/** The results the command itself may produce: anything else is the manager's failure. */
const COMMAND_RESULTS = new Set(['success', 'output missing', 'stdout missing']);

/**
 * The outcome of a JavaScript task: the result file when the runner wrote one (the app's value or
 * its own error, which wins over a missing output), otherwise what the exit code says (walltime,
 * a process that died, a runner that could not start) or the manager's failure.
 */
export function functionOutcome(result: TaskResult, facts: TryFacts, resultFile: string, serializer: Serializer): TaskOutcome {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileSync(resultFile);
  } catch {
    bytes = undefined;
  }
  if (bytes !== undefined && bytes.length > 0) {
    let decoded: ResultPayload;
    try {
      decoded = serializer.deserialize(bytes) as ResultPayload;
    } catch (error) {
      return { ok: false, error };
    }
    const usage = decoded[2] ? { usage: decoded[2] } : {};
    if (!decoded[0]) return { ok: false, error: decoded[1], ...usage };
    const missing = missingOutputs(result, facts.outputs);
    if (missing.length > 0) return { ok: false, error: missingOutputError(facts, missing), ...usage };
    return { ok: true, value: decoded[1], ...usage };
  }
  if (!COMMAND_RESULTS.has(result.result)) return { ok: false, error: managerFailure(result, facts) };
  if (result.exitCode === RunnerExit.timeout && facts.walltimeSeconds !== undefined) return { ok: false, error: new AppTimeout(facts.appName, facts.walltimeSeconds) };
  if (result.exitCode === RunnerExit.failed) {
    return {
      ok: false, error: new TaskVineError(TaskVineErrorCodes.RunnerFailed, `the worker-side runner could not run task ${facts.taskId} (${facts.appName}) on ${result.host ?? 'its worker'}${tail(result)}`, {
        hint: 'install the same parsl-ts packages (and the serializer plugin) where the workers run, and set the executor\'s workerBaseDir to that folder',
      }),
    };
  }
  const how = result.exitCode === RunnerExit.processLost ? 'died' : `exited with code ${result.exitCode}`;
  return { ok: false, error: new WorkerLost(facts.taskId, `the process running the task on ${result.host ?? 'its worker'} ${how} before writing its result${tail(result)}`) };
}

/**
 * The outcome of a bash app run as its command line: 0 when it exits 0 and wrote its outputs,
 * `BashExitFailure` with its exit code, `AppTimeout` when its walltime killed it.
 */
export function bashOutcome(result: TaskResult, facts: TryFacts): TaskOutcome {
  if (!COMMAND_RESULTS.has(result.result)) return { ok: false, error: managerFailure(result, facts) };
  const exitCode = result.exitCode ?? -1;
  if (exitCode === RunnerExit.timeout && facts.walltimeSeconds !== undefined) {
    const ran = result.started && result.ended ? (result.ended - result.started) / 1000 : Infinity;
    if (ran >= facts.walltimeSeconds * 0.9) return { ok: false, error: new AppTimeout(facts.appName, facts.walltimeSeconds) };
  }
  if (exitCode !== 0) return { ok: false, error: new BashExitFailure(facts.appName, exitCode) };
  const missing = missingOutputs(result, facts.outputs);
  if (missing.length > 0) return { ok: false, error: missingOutputError(facts, missing) };
  return { ok: true, value: 0 };
}
