import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, loadConfig } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFlowKernelWatcher } from '../src/progress/DataFlowKernelWatcher.js';
import { PlainProgressRenderer } from '../src/progress/ProgressRenderer.js';
import { RunTracker } from '../src/progress/RunTracker.js';

const nap = app(async (ms: number) => { await new Promise((r) => setTimeout(r, ms)); return ms; }, { name: 'nap' });
const boom = app((x: number) => { throw new Error(`boom ${x}`); }, { name: 'boom' });

describe('progress of a real DataFlowKernel', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
  const start = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parsl-ts-cli-watch-'));
    dirs.push(dir);
    const dfk = await loadConfig({ runDir: join(dir, 'runinfo'), executors: [new ThreadPoolExecutor({ label: 'w', maxThreads: 2 })] });
    return { dir, dfk };
  };

  it('RunTracker counts tasks by state and remembers the first failure', async () => {
    const { dir, dfk } = await start();
    try {
      const tracker = new RunTracker(dfk, { cwd: dir });
      const futures = [...Array.from({ length: 20 }, () => nap(2)), boom(1)];
      await Promise.allSettled(futures);
      const s = tracker.finish();
      expect(s.label).toBe('runinfo/000');
      expect(s.total).toBe(21);
      expect(s.done).toBe(21);
      expect(s.succeeded).toBe(20);
      expect(s.failed).toBe(1);
      expect(Object.fromEntries(s.states)).toMatchObject({ exec_done: 20, failed: 1, pending: 0, running: 0 });
      expect(s.firstFailure).toMatchObject({ taskId: 20, appName: 'boom' });
      expect(s.firstFailure!.message).toContain('boom 1');
    } finally {
      await dfk.cleanup();
    }
  });

  it('the watcher finds the current DataFlowKernel, prints lines while it runs and a summary after cleanup', async () => {
    const lines: string[] = [];
    const { currentDataFlowKernel } = await import('@parsl-ts/core');
    const watcher = new DataFlowKernelWatcher({
      find: () => { try { return currentDataFlowKernel() as never; } catch { return undefined; } },
      renderer: new PlainProgressRenderer({ intervalMs: 50, write: (t) => { lines.push(t); } }),
      pollMs: 20,
    });
    watcher.start();
    const { dfk } = await start();
    await Promise.all(Array.from({ length: 40 }, () => nap(5)));
    await dfk.cleanup();
    await new Promise((r) => setTimeout(r, 100));
    watcher.stop();
    const text = lines.join('');
    expect(text).toMatch(/parsl-ts: \S+runinfo\/000 \[[\d.]+s\] \d+\/\d+ done/);
    expect(text).toMatch(/parsl-ts: \S+runinfo\/000 finished: 40 tasks in [\d.]+s .*\| exec_done=40\n$/);
    expect(text.match(/finished/g)).toHaveLength(1);
    expect(watcher.active).toHaveLength(0);
  });
});
