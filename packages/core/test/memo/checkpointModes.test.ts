import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointError, ErrorCodes, TaskState, app, getAllCheckpoints, getLastCheckpoint, jsonSerializer, loadConfig,
  readCheckpointFile, type Config, type DataFlowKernel,
} from '../../src/index.js';
import { InProcessExecutor } from '../helpers/InProcessExecutor.js';

let dir: string;
let runinfo: string;
let dfk: DataFlowKernel | undefined;

async function start(extra: Partial<Config> = {}): Promise<DataFlowKernel> {
  dfk = await loadConfig({ executors: [new InProcessExecutor()], serializer: jsonSerializer(), runDir: runinfo, ...extra });
  return dfk;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-ckmode-'));
  runinfo = join(dir, 'runinfo');
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const triple = app((x: number) => x * 3, { cache: true });
const checkpointDir = (k: DataFlowKernel): string => join(k.runDir, 'checkpoint');
const ckptFiles = (k: DataFlowKernel): string[] => (existsSync(checkpointDir(k)) ? readdirSync(checkpointDir(k)).filter((n) => n.endsWith('.ckpt')) : []);
async function keysIn(k: DataFlowKernel): Promise<number> {
  let n = 0;
  for (const name of ckptFiles(k)) n += (await readCheckpointFile(join(checkpointDir(k), name))).length;
  return n;
}

describe('checkpoint modes', () => {
  it('taskExit: a task\'s outcome is on disk by the time its future settles', async () => {
    const k = await start({ checkpointMode: 'taskExit' });
    for (let i = 0; i < 5; i++) {
      expect(await triple(i)).toBe(i * 3);
      expect(await keysIn(k)).toBe(i + 1);
    }
    // Many at once share checkpoint writes, and files are merged as they pile up.
    await Promise.all(Array.from({ length: 100 }, (_, i) => triple(100 + i)));
    expect(await keysIn(k)).toBe(105);
    expect(ckptFiles(k).length).toBeLessThanOrEqual(4);
    expect(readdirSync(checkpointDir(k)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('periodic: writes every checkpointPeriod, not at task exit, and once more at cleanup', async () => {
    const k = await start({ checkpointMode: 'periodic', checkpointPeriod: 0.3 });
    await triple(1);
    expect(await keysIn(k)).toBe(0);
    const deadline = Date.now() + 5000;
    while (await keysIn(k) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await keysIn(k)).toBe(1);
    await triple(2);
    await k.cleanup();
    expect(await keysIn(k)).toBe(2);
  });

  it('dfkExit: writes nothing while running, everything at cleanup', async () => {
    const k = await start({ checkpointMode: 'dfkExit' });
    await Promise.all([triple(1), triple(2), triple(3)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(ckptFiles(k)).toEqual([]);
    await k.cleanup();
    expect(await keysIn(k)).toBe(3);
  });

  it('manual: writes only when dfk.checkpoint() is called, not even at cleanup', async () => {
    const k = await start({ checkpointMode: 'manual' });
    await triple(1);
    const file = await k.checkpoint();
    expect(file).toBe(join(checkpointDir(k), '000001.ckpt'));
    expect(await k.checkpoint()).toBeUndefined(); // nothing new
    await triple(2);
    await k.cleanup();
    expect(await keysIn(k)).toBe(1);
  });

  it('no mode: nothing is written', async () => {
    const k = await start();
    await triple(1);
    await k.cleanup();
    expect(existsSync(checkpointDir(k))).toBe(false);
  });

  it('checks the checkpoint settings', async () => {
    await expect(start({ checkpointMode: 'task_exit' as never })).rejects.toMatchObject({ code: ErrorCodes.InvalidConfig, path: 'checkpointMode' });
    await expect(start({ checkpointMode: 'periodic', checkpointPeriod: '10 minutes' })).rejects.toMatchObject({ path: 'checkpointPeriod' });
    await expect(start({ checkpointPeriod: 10 })).rejects.toThrow(/only used with checkpointMode 'periodic'/);
    const k = await start({ checkpointMode: 'periodic', checkpointPeriod: '00:00:01' });
    await k.cleanup();
  });
});

describe('checkpointFiles', () => {
  it('reuses earlier runs: hits are memo_done, and each run\'s checkpoint carries them forward', async () => {
    let k = await start({ checkpointMode: 'taskExit' });
    await Promise.all([triple(1), triple(2)]);
    await k.cleanup();

    expect(getLastCheckpoint(runinfo)).toEqual([checkpointDir(k)]);
    k = await start({ checkpointMode: 'taskExit', checkpointFiles: getLastCheckpoint(runinfo) });
    const hit = triple(1);
    expect(await hit).toBe(3);
    expect(hit.state).toBe(TaskState.memo_done);
    await triple(3);
    await k.cleanup();
    expect(k.counts()).toMatchObject({ memo_done: 1, exec_done: 1 });

    // The second run's checkpoint alone is enough for a third run: it holds 1, 2 and 3.
    k = await start({ checkpointMode: 'taskExit', checkpointFiles: getLastCheckpoint(runinfo) });
    await Promise.all([triple(1), triple(2), triple(3)]);
    expect(k.counts()).toMatchObject({ memo_done: 3, exec_done: 0 });
    await k.cleanup();
    expect(getAllCheckpoints(runinfo)).toHaveLength(3);
  });

  it('a truncated or corrupted checkpoint file stops loadConfig with an error naming the file', async () => {
    let k = await start({ checkpointMode: 'taskExit' });
    await triple(1);
    await k.cleanup();
    const file = join(checkpointDir(k), ckptFiles(k)[0]!);
    const bytes = readFileSync(file);

    truncateSync(file, bytes.length - 1);
    let error = await start({ checkpointFiles: [checkpointDir(k)] }).catch((e: unknown) => e) as CheckpointError;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.code).toBe(ErrorCodes.CheckpointCorrupt);
    expect(error.file).toBe(file);
    expect(error.message).toContain(`checkpoint file ${file} is truncated`);

    const corrupted = Buffer.from(bytes);
    corrupted[corrupted.length - 2] = corrupted[corrupted.length - 2]! ^ 0x55;
    writeFileSync(file, corrupted);
    error = await start({ checkpointFiles: [file] }).catch((e: unknown) => e) as CheckpointError;
    expect(error.code).toBe(ErrorCodes.CheckpointCorrupt);
    expect(error.message).toContain(`checkpoint file ${file} is corrupted`);

    error = await start({ checkpointFiles: [join(dir, 'nowhere')] }).catch((e: unknown) => e) as CheckpointError;
    expect(error.code).toBe(ErrorCodes.CheckpointMissing);
    expect(error.message).toContain(join(dir, 'nowhere'));

    // A good copy loads again.
    writeFileSync(file, bytes);
    copyFileSync(file, join(dir, 'copy.ckpt'));
    k = await start({ checkpointFiles: [join(dir, 'copy.ckpt')] });
    const hit = triple(1);
    await hit;
    expect(hit.state).toBe(TaskState.memo_done);
  });

  it('getLastCheckpoint skips runs that wrote no checkpoint', async () => {
    let k = await start({ checkpointMode: 'taskExit' });
    await triple(1);
    await k.cleanup();
    const withCheckpoint = checkpointDir(k);
    k = await start({ checkpointMode: 'manual' });
    await k.cleanup();
    expect(getLastCheckpoint(runinfo)).toEqual([withCheckpoint]);
    expect(getLastCheckpoint(join(dir, 'no-such-runinfo'))).toEqual([]);
  });
});
