/**
 * The sidecar's TaskVine adapter, driven against a stand-in `ndcctools.taskvine`
 * (test/fixtures/fake-taskvine) that records every call and runs the tasks on this machine: the
 * mapping from parsl-ts tasks to TaskVine's API is checked call by call. TaskVine itself comes from
 * conda and is not installed here; where it is, conformance.taskvine.test.ts runs the whole suite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, bashApp, File, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { waitUntil } from '@parsl-ts/testing';

const STAND_IN = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-taskvine');

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-adapter-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

type Call = { call: string } & Record<string, unknown>;

function calls(log: string): Call[] {
  return readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Call);
}

const tripled = app((x: number) => x * 3, { name: 'tripled', resources: { cores: 2, memory: 100, disk: 50, gpus: 0 }, walltime: 10, priority: 5 });
const greet = bashApp((name: string) => `echo "$GREETING, ${name}"`, { name: 'greet', env: { GREETING: 'bonjour' } });
const upper = app(async (options: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  fs.writeFileSync(String(options.outputs[0]), fs.readFileSync(String(options.inputs[0]), 'utf8').toUpperCase());
  return 'ok';
}, { name: 'upper' });
const sleepy = bashApp(() => 'sleep 60', { name: 'sleepy' });

describe('the TaskVine adapter, against a stand-in ndcctools.taskvine that records the calls', () => {
  it('maps tasks to TaskVine calls one by one: files (shared ones cached), resources, environment, retries, walltime, priority, category', async () => {
    const log = join(dir, 'calls.jsonl');
    const executor = new TaskVineExecutor({
      label: 'vine', backend: 'taskvine', sidecarEnv: { PYTHONPATH: STAND_IN, PARSL_TS_FAKE_TASKVINE_LOG: log }, maxRetries: 2,
    });
    dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo') });
    expect(executor.backend?.backend).toBe('taskvine');
    const executorDir = join(dfk.runDir, 'vine');

    expect(await tripled(4)).toBe(12);
    expect(await tripled(5)).toBe(15);
    expect(await greet('monde', { stdout: join(dir, 'greet.out') })).toBe(0);
    expect(readFileSync(join(dir, 'greet.out'), 'utf8')).toBe('bonjour, monde\n');
    writeFileSync(join(dir, 'in.txt'), 'abc');
    expect(await upper({ inputs: [new File(join(dir, 'in.txt'))], outputs: [new File(join(dir, 'out.txt'))] })).toBe('ok');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('ABC');
    const pending = sleepy();
    await waitUntil(() => calls(log).some((c) => c.call === 'submit' && c.id === 5), 10_000);
    await dfk.cleanup();
    dfk = undefined;
    expect(await pending.catch((e: Error) => e.name)).toBe('TaskCancelled');

    const recorded = calls(log);
    // File numbers as the stand-in gave them, by path.
    const fileOf = new Map<string, number>();
    for (const c of recorded) if (c.call === 'declare_file') fileOf.set(String(c.path), Number(c.file));
    const byPath = (suffix: string): number => {
      const found = [...fileOf.entries()].find(([path]) => path.endsWith(suffix));
      if (!found) throw new Error(`no file declared for ${suffix}`);
      return found[1];
    };
    const runner = byPath('/dist/runner/runner.js');
    const env = recorded.filter((c) => c.call === 'set_env_var' && c.name === 'PARSL_TS_SERIALIZER');
    const serializer = env[0]!.value as string;
    expect(JSON.parse(serializer)).toHaveProperty('package');
    const functionTask = (key: number, fn: number, declareShared: boolean): Call[] => [
      { call: 'Task', command: expect.stringContaining('parsl-ts-runner.mjs --parsl-ts-run-sandbox') as unknown as string },
      ...(declareShared ? [{ call: 'declare_file', file: runner, path: expect.stringMatching(/\/dist\/runner\/runner\.js$/) as unknown as string, cache: 'workflow' }] : []),
      { call: 'add_input', file: runner, remote_name: 'parsl-ts-runner.mjs' },
      ...(declareShared ? [{ call: 'declare_file', file: fn, path: expect.stringMatching(/\/vine\/functions\/[0-9a-f]{32}\.fn$/) as unknown as string, cache: 'workflow' }] : []),
      { call: 'add_input', file: fn, remote_name: 'parsl-ts.fn' },
      { call: 'declare_file', file: byPath(`/vine/tasks/${key}.task`), path: join(executorDir, 'tasks', `${key}.task`), cache: false },
      { call: 'add_input', file: byPath(`/vine/tasks/${key}.task`), remote_name: 'parsl-ts.task' },
      { call: 'declare_file', file: byPath(`/vine/tasks/${key}.result`), path: join(executorDir, 'tasks', `${key}.result`), cache: false },
      { call: 'add_output', file: byPath(`/vine/tasks/${key}.result`), remote_name: 'parsl-ts.result' },
      { call: 'set_env_var', name: 'PARSL_TS_SERIALIZER', value: serializer },
      { call: 'set_env_var', name: 'PARSL_TS_BASE_DIR', value: process.cwd() },
      { call: 'set_cores', value: 2 }, { call: 'set_memory', value: 100 }, { call: 'set_disk', value: 50 }, { call: 'set_gpus', value: 0 },
      { call: 'set_retries', value: 2 },
      { call: 'set_time_max', value: 40 },
      { call: 'set_priority', value: -5 },
      { call: 'set_category', value: 'tripled' },
      { call: 'set_tag', value: String(key) },
      { call: 'submit', id: key },
    ];
    const fn = byPath('.fn');
    let at = 0;
    const expectNext = (expected: Call[]): void => {
      expect(recorded.slice(at, at + expected.length)).toEqual(expected);
      at += expected.length;
    };
    expectNext([
      { call: 'Manager', port: 0, run_info_path: join(executorDir, 'manager', 'vine-run-info') },
      { call: 'set_password_file', path: join(executorDir, 'manager.password') },
    ]);
    expectNext(functionTask(1, fn, true));
    expectNext([
      { call: 'returned', id: 1, result: 'success', exit_code: 0 },
      // The task's own files are dropped from the manager; the shared ones stay declared.
      { call: 'remove_file', file: byPath('/vine/tasks/1.task') },
      { call: 'remove_file', file: byPath('/vine/tasks/1.result') },
    ]);
    // The same function again: the runner and the function are the same cached files, not declared again.
    expectNext(functionTask(2, fn, false));
    at += 3;
    // A bash app: its command line, its stdout brought back, its environment, default resources.
    expectNext([
      { call: 'Task', command: expect.stringMatching(/exec bash -c 'echo "\$GREETING, monde"' <\/dev\/null > parsl-ts\.stdout$/) as unknown as string },
      { call: 'declare_file', file: byPath('/greet.out'), path: join(dir, 'greet.out'), cache: false },
      { call: 'add_output', file: byPath('/greet.out'), remote_name: 'parsl-ts.stdout' },
      { call: 'set_env_var', name: 'GREETING', value: 'bonjour' },
      { call: 'set_cores', value: 1 },
      { call: 'set_retries', value: 2 },
      { call: 'set_priority', value: 0 },
      { call: 'set_category', value: 'greet' },
      { call: 'set_tag', value: '3' },
      { call: 'submit', id: 3 },
      { call: 'returned', id: 3, result: 'success', exit_code: 0 },
      { call: 'remove_file', file: byPath('/greet.out') },
    ]);
    // The app's File input and output, under their sandbox names.
    const upperCalls = recorded.slice(at, recorded.findIndex((c) => c.call === 'submit' && c.id === 4) + 1);
    expect(upperCalls).toEqual(expect.arrayContaining([
      { call: 'declare_file', file: byPath('/in.txt'), path: join(dir, 'in.txt'), cache: false },
      { call: 'add_input', file: byPath('/in.txt'), remote_name: 'in0-in.txt' },
      { call: 'declare_file', file: byPath('/out.txt'), path: join(dir, 'out.txt'), cache: false },
      { call: 'add_output', file: byPath('/out.txt'), remote_name: 'out0-out.txt' },
    ]));
    // At cleanup, the task still running was cancelled at the manager.
    expect(recorded.filter((c) => c.call === 'cancel_by_task_id')).toEqual([{ call: 'cancel_by_task_id', id: 5 }]);
  });
});
