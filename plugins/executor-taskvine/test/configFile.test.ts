/** The TaskVineExecutor named in a JSON config file by package, with its provider as a plugin entry. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { app, configFromFile, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { plugin, TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';

const configFile = fileURLToPath(new URL('./fixtures/taskvine-local.config.json', import.meta.url));
let dfk: DataFlowKernel | undefined;
let dir = '';
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pid = app(() => process.pid, { name: 'pid', ship: 'value' });

describe('TaskVineExecutor from a config file', () => {
  it('the manifest says executor, experimental', () => {
    expect(plugin).toMatchObject({ name: '@parsl-ts/executor-taskvine', kind: 'executor', maturity: 'experimental', defaultFactory: 'TaskVineExecutor' });
  });

  it('a JSON config names the executor and its LocalProvider by package, and a workflow runs on it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-config-'));
    const config = await configFromFile(configFile);
    const executor = config.executors![0]!;
    expect(executor).toBeInstanceOf(TaskVineExecutor);
    expect(executor.label).toBe('vine-from-file');
    expect((executor as TaskVineExecutor).provider).toBeInstanceOf(LocalProvider);
    dfk = await loadConfig({ ...config, runDir: join(dir, 'runinfo') });
    const pids = new Set(await Promise.all(Array.from({ length: 10 }, () => pid())));
    expect(pids.has(process.pid)).toBe(false); // ran in the block's runner pool, not here
    expect(pids.size).toBeLessThanOrEqual(2);
  });
});
