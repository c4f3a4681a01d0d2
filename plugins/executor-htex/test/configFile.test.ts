import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { app, configFromFile, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';

const configFile = fileURLToPath(new URL('./fixtures/htex-local.config.json', import.meta.url));
let dfk: DataFlowKernel | undefined;
let dir = '';
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pid = app(() => process.pid, { name: 'pid', ship: 'value' });

describe('HighThroughputExecutor from a config file', () => {
  it('a JSON config names HTEX and its LocalProvider by package, and a workflow runs on it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parsl-htex-config-'));
    const config = await configFromFile(configFile);
    const executor = config.executors![0]!;
    expect(executor).toBeInstanceOf(HighThroughputExecutor);
    expect(executor.label).toBe('htex-from-file');
    const provider = (executor as HighThroughputExecutor).provider;
    expect(provider).toBeInstanceOf(LocalProvider);
    expect(provider.maxBlocks).toBe(1);
    dfk = await loadConfig({ ...config, runDir: join(dir, 'runinfo') });
    const pids = new Set(await Promise.all(Array.from({ length: 20 }, () => pid())));
    expect(pids.has(process.pid)).toBe(false); // ran in worker processes, not here
    expect(pids.size).toBeGreaterThanOrEqual(1);
    expect(pids.size).toBeLessThanOrEqual(2);
  }, 60_000);
});
