/**
 * Failures of the TaskVine executor with real cctools: a worker lost mid-task (the manager runs the
 * task again on the other worker), a killed sidecar, a sidecar that breaks the protocol or speaks
 * another version, and a Python without the manager library.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, ErrorCodes, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { SIDECAR_PROTOCOL_VERSION, TaskVineError, TaskVineErrorCodes, TaskVineExecutor, type TaskVineExecutorOptions } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';
import { captureError, processesMatching, waitUntil } from '@parsl-ts/testing';

const SIDECAR_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sidecar');

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-faults-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: TaskVineExecutorOptions & { blocks?: number } = {}): Promise<TaskVineExecutor> {
  const blocks = options.blocks ?? 1;
  const { blocks: _blocks, ...rest } = options;
  const executor = new TaskVineExecutor({
    label: 'vine', backend: 'workqueue', workerCores: 1,
    provider: new LocalProvider({ initBlocks: blocks, minBlocks: blocks, maxBlocks: blocks }), ...rest,
  });
  dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo'), retries: 0, strategyPeriod: 0.5 });
  return executor;
}

/** Sleeps `ms`; first leaves a marker with the block process (its pool's parent) that runs it. */
const sleepyWhere = app(async (marker: string, ms: number) => {
  const fs = await import('node:fs');
  fs.writeFileSync(marker, String(process.ppid));
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.ppid;
}, { name: 'sleepyWhere' });

const sleepMs = app((ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), { name: 'sleepMs' });

/** Process group of a process (field 5 of /proc/<pid>/stat). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** A copy of the sidecar with `edit` applied to its main file; returns the main file's path. */
function patchedSidecar(edit: (source: string) => string): string {
  const copy = join(dir, 'sidecar');
  cpSync(SIDECAR_DIR, copy, { recursive: true });
  const main = join(copy, 'parsl_ts_sidecar.py');
  const source = readFileSync(main, 'utf8');
  const patched = edit(source);
  expect(patched).not.toBe(source);
  writeFileSync(main, patched);
  return main;
}

describe('TaskVineExecutor faults', () => {
  it('a worker killed mid-task (its whole block, as a lost node): the manager runs the task again on the other worker, no DataFlowKernel retry', async () => {
    const executor = await start({ blocks: 2 });
    expect(await waitUntil(() => executor.connectedWorkers === 2, 30_000)).toBe(true);
    const marker = join(dir, 'marker');
    const started = Date.now();
    const future = sleepyWhere(marker, 2500);
    expect(await waitUntil(() => existsSync(marker), 20_000)).toBe(true);
    const victim = Number(readFileSync(marker, 'utf8'));
    rmSync(marker);
    process.kill(-processGroup(victim), 'SIGKILL');
    const ranOn = await future;
    expect(ranOn).not.toBe(victim);
    expect(Date.now() - started).toBeLessThan(30_000);
    // The second run left its own marker: the task really ran twice, on two blocks.
    expect(Number(readFileSync(marker, 'utf8'))).toBe(ranOn);
    const transactions = readFileSync(join(dfk!.runDir, 'vine', 'manager', 'transactions.log'), 'utf8');
    expect(transactions).toMatch(/WORKER \S+ \S+\s+DISCONNECTION FAILURE/);
    expect(transactions.match(/TASK 1 RUNNING/g)?.length).toBe(2);
  });

  it('a killed sidecar: every pending future rejects promptly with PARSL_TASKVINE_SIDECAR_LOST quoting its stderr; later tasks too', async () => {
    const executor = await start();
    const pending = Array.from({ length: 4 }, () => sleepMs(60_000));
    expect(await waitUntil(() => executor.outstanding === 4, 10_000)).toBe(true);
    const killedAt = Date.now();
    process.kill(executor.sidecarPid!, 'SIGKILL');
    const errors = await Promise.all(pending.map((f) => captureError(() => f)));
    expect(Date.now() - killedAt).toBeLessThan(5000);
    for (const error of errors) {
      expect(error).toBeInstanceOf(TaskVineError);
      expect((error as TaskVineError).code).toBe(TaskVineErrorCodes.SidecarLost);
      expect((error as Error).message).toContain('SIGKILL');
      expect((error as Error).message).toMatch(/workqueue manager .* listening on port \d+/);
    }
    const later = await captureError(() => sleepMs(1)) as TaskVineError;
    expect(later.code).toBe(TaskVineErrorCodes.SidecarLost);
    const cleanupStarted = Date.now();
    await dfk!.cleanup();
    dfk = undefined;
    expect(Date.now() - cleanupStarted).toBeLessThan(15_000);
  });

  it('a sidecar of another protocol version is refused at start with PARSL_PROTOCOL_MISMATCH naming both versions', async () => {
    const script = patchedSidecar((s) => s.replace(`PROTOCOL_VERSION = ${SIDECAR_PROTOCOL_VERSION}`, 'PROTOCOL_VERSION = 99'));
    const error = await captureError(() => start({ sidecarScript: script, provider: undefined })) as TaskVineError;
    expect(error?.code).toBe(ErrorCodes.ProtocolMismatch);
    expect(error.message).toContain('protocol 99');
    expect(error.message).toContain(`protocol mismatch: sidecar 99, executor ${SIDECAR_PROTOCOL_VERSION}`);
    expect(error.hint).toContain('same @parsl-ts/executor-taskvine version');
  });

  it('a sidecar that writes something that is not a protocol message fails every pending future promptly', async () => {
    const script = patchedSidecar((s) => s.replace('    def submit(self, specs):\n', '    def submit(self, specs):\n        sys.stdout.write("this is not json\\n")\n        sys.stdout.flush()\n'));
    await start({ sidecarScript: script });
    const started = Date.now();
    const errors = await Promise.all([sleepMs(30_000), sleepMs(30_000)].map((f) => captureError(() => f)));
    expect(Date.now() - started).toBeLessThan(5000);
    for (const error of errors) {
      expect((error as TaskVineError).code).toBe(ErrorCodes.ProtocolMismatch);
      expect((error as Error).message).toContain('"this is not json"');
    }
  });

  it('no Python with the manager library: PARSL_TASKVINE_BACKEND_MISSING says what was tried and what to install', async () => {
    // A real Python that cannot see the Debian packages: -S leaves dist-packages off sys.path.
    const python = join(dir, 'python-without-site');
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
    chmodSync(python, 0o755);
    const error = await captureError(() => start({ python, backend: 'auto', provider: undefined })) as TaskVineError;
    expect(error?.code).toBe(TaskVineErrorCodes.BackendMissing);
    expect(error.message).toContain(python);
    expect(error.message).toMatch(/ndcctools\.taskvine: ModuleNotFoundError/);
    expect(error.message).toMatch(/work_queue: ModuleNotFoundError/);
    expect(error.hint).toContain('apt-get install python3-workqueue coop-computing-tools');
    expect(error.hint).toContain('conda install -c conda-forge ndcctools');
  });

  it("backend 'auto' says which library it found; the manager's logs are in the run directory", async () => {
    const executor = await start({ backend: 'auto', provider: undefined });
    expect(executor.backend?.backend).toBe(process.env.PARSL_TS_EXPECT_TASKVINE === '1' ? 'taskvine' : 'workqueue');
    const runLog = readFileSync(join(dfk!.runDir, 'parsl.log'), 'utf8');
    expect(runLog).toMatch(/vine: using the (Work Queue|TaskVine) manager library with \S+ \(Python [\d.]+\)/);
    const executorDir = join(dfk!.runDir, 'vine');
    expect(readdirSync(executorDir)).toEqual(expect.arrayContaining(['sidecar.log', 'manager', 'manager.password']));
    if (executor.backend?.backend === 'workqueue') {
      expect(readdirSync(join(executorDir, 'manager'))).toEqual(expect.arrayContaining(['transactions.log', 'performance.log']));
      expect(readFileSync(join(executorDir, 'manager', 'transactions.log'), 'utf8')).toContain('MANAGER START');
    }
    await dfk!.cleanup();
    dfk = undefined;
    expect(processesMatching(`parsl_ts_sidecar.py`).filter((pid) => pid === executor.sidecarPid)).toEqual([]);
  });
});
