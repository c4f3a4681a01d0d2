import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CheckpointError, ErrorCodes, TaskState, app, getLastCheckpoint, loadConfig, type Config, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEMO_DATABASE, SqliteMemoizer, plugin } from '@parsl-ts/memoizer-sqlite';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let runinfo: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-memo-sqlite-'));
  runinfo = join(dir, 'runinfo');
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(extra: Partial<Config> = {}, memoizer = new SqliteMemoizer()): Promise<DataFlowKernel> {
  dfk = await loadConfig({ executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })], runDir: runinfo, memoizer, ...extra });
  return dfk;
}

const square = app((x: number) => ({ x, square: x * x }), { cache: true });
const rows = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try { return (db.prepare('SELECT count(*) AS n FROM memo').get() as { n: number }).n; } finally { db.close(); }
};
const dbOf = (k: DataFlowKernel): string => join(k.runDir, 'checkpoint', MEMO_DATABASE);

describe('SqliteMemoizer', () => {
  it('memoizes within a run and commits each outcome before its future settles (taskExit)', async () => {
    const k = await start({ checkpointMode: 'taskExit' });
    expect(await square(3)).toEqual({ x: 3, square: 9 });
    expect(rows(dbOf(k))).toBe(1);
    const hit = square(3);
    expect(await hit).toEqual({ x: 3, square: 9 });
    expect(hit.state).toBe(TaskState.memo_done);
    await Promise.all([square(4), square(5)]);
    expect(rows(dbOf(k))).toBe(3);
  });

  it('dfkExit and manual: the database appears at cleanup, or when dfk.checkpoint() is called', async () => {
    let k = await start({ checkpointMode: 'dfkExit' });
    await square(1);
    expect(existsSync(dbOf(k))).toBe(false);
    await k.cleanup();
    expect(rows(dbOf(k))).toBe(1);

    k = await start({ checkpointMode: 'manual' });
    await square(2);
    await k.cleanup();
    expect(existsSync(dbOf(k))).toBe(false);
    k = await start({ checkpointMode: 'manual' });
    await square(2);
    expect(await k.checkpoint()).toBe(dbOf(k));
    expect(rows(dbOf(k))).toBe(1);
  });

  it('loads earlier runs with checkpointFiles and carries their rows forward', async () => {
    let k = await start({ checkpointMode: 'taskExit' });
    await Promise.all([square(1), square(2)]);
    await k.cleanup();
    k = await start({ checkpointMode: 'taskExit', checkpointFiles: getLastCheckpoint(runinfo) });
    const hit = square(1);
    await hit;
    expect(hit.state).toBe(TaskState.memo_done);
    await square(3);
    await k.cleanup();
    expect(rows(dbOf(k))).toBe(3); // 1 and 2 copied forward, 3 new
  });

  it('with a shared path, every run reads and extends one database', async () => {
    const shared = join(dir, 'memo.sqlite');
    let k = await start({ checkpointMode: 'taskExit' }, new SqliteMemoizer({ path: shared }));
    await square(6);
    await k.cleanup();
    k = await start({ checkpointMode: 'taskExit' }, new SqliteMemoizer({ path: shared }));
    const hit = square(6);
    await hit;
    expect(hit.state).toBe(TaskState.memo_done);
    expect(rows(shared)).toBe(1);
  });

  it('a damaged or foreign database stops loadConfig with an error naming the file', async () => {
    let k = await start({ checkpointMode: 'taskExit' });
    await square(1);
    await k.cleanup();
    const file = dbOf(k);
    const good = readFileSync(file);
    truncateSync(file, 100);
    let error = await start({ checkpointFiles: [file] }).catch((e: unknown) => e) as CheckpointError;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.code).toBe(ErrorCodes.CheckpointCorrupt);
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    writeFileSync(file, 'not a database at all, but long enough to look like one'.repeat(20));
    error = await start({ checkpointFiles: [file] }).catch((e: unknown) => e) as CheckpointError;
    expect(error.code).toBe(ErrorCodes.CheckpointCorrupt);
    error = await start({ checkpointFiles: [join(dir, 'missing')] }).catch((e: unknown) => e) as CheckpointError;
    expect(error.code).toBe(ErrorCodes.CheckpointMissing);
    writeFileSync(file, good);
    k = await start({ checkpointFiles: [file] });
    const hit = square(1);
    await hit;
    expect(hit.state).toBe(TaskState.memo_done);
  });

  it('has a manifest of kind memoizer', () => {
    expect(plugin.kind).toBe('memoizer');
    expect(plugin.defaultFactory).toBe('SqliteMemoizer');
  });
});

describe('a workflow killed with SIGKILL and rerun with its SQLite checkpoint', () => {
  it('does not rerun finished tasks, reruns the others, and gets the same results', async () => {
    const workflow = fileURLToPath(new URL('./fixtures/restartWorkflow.ts', import.meta.url));
    const run = (args: string[], killAfter?: number): Promise<Record<string, unknown>[]> => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', workflow, ...args], { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: Record<string, unknown>[] = [];
      let stderr = '';
      let buffered = '';
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`workflow did not finish: ${stderr}`)); }, 60_000);
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString();
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith('{')) continue;
          lines.push(JSON.parse(line) as Record<string, unknown>);
          if (killAfter !== undefined && lines.filter((l) => 'done' in l).length === killAfter) child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (killAfter === undefined ? code === 0 : signal === 'SIGKILL') resolve(lines);
        else reject(new Error(`workflow exited with ${code ?? signal}: ${stderr}`));
      });
    });
    const calls = (file: string): number[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

    const first = await run([runinfo, join(dir, 'first.log')], 6);
    const finished = new Map(first.filter((l) => 'done' in l).map((l) => [l.done as number, l.value as number]));
    expect(finished.size).toBeGreaterThanOrEqual(6);
    expect(finished.size).toBeLessThan(16);
    const second = await run([runinfo, join(dir, 'second.log'), 'resume']);
    const all = second.find((l) => 'all' in l)!.all as number[];
    expect(all).toEqual(Array.from({ length: 16 }, (_, i) => i * 7 + 1));
    for (const [i, value] of finished) {
      expect(all[i]).toBe(value);
      expect(calls(join(dir, 'first.log')).filter((x) => x === i)).toHaveLength(1);
    }
    // The rerun runs no task the first run was seen to finish, and each other task at most once.
    // A task that ended just before the kill, with its checkpoint written but its line not yet
    // read here, may rightly not run again: then the first run must have run it.
    const rerun = calls(join(dir, 'second.log'));
    expect(rerun.filter((i) => finished.has(i))).toEqual([]);
    expect(new Set(rerun).size).toBe(rerun.length);
    const firstCalls = calls(join(dir, 'first.log'));
    const rest = Array.from({ length: 16 }, (_, i) => i).filter((i) => !finished.has(i));
    for (const i of rest.filter((i) => !rerun.includes(i))) expect(firstCalls).toContain(i);
  }, 120_000);
});
