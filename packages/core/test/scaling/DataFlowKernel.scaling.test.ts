import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BlockFailuresError, ConfigError, ErrorCodes, jsonSerializer, loadConfig, simpleStrategy,
  type Config, type DataFlowKernel, type Monitoring,
} from '../../src/index.js';
import { InProcessExecutor } from '../helpers/InProcessExecutor.js';
import { collectingRadio, sleep, SleepProvider, TestBlockExecutor, waitFor } from './helpers.js';

let dir: string;
let dfk: DataFlowKernel | undefined;
const providers: SleepProvider[] = [];

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-dfk-scaling-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  await Promise.all(providers.splice(0).map((p) => p.destroy()));
  rmSync(dir, { recursive: true, force: true });
});

function blocksExecutor(options: ConstructorParameters<typeof SleepProvider>[0], maxIdleTime?: number): TestBlockExecutor {
  const provider = new SleepProvider(options);
  providers.push(provider);
  return new TestBlockExecutor(provider, maxIdleTime === undefined ? {} : { maxIdleTime });
}

async function start(config: Config): Promise<DataFlowKernel> {
  dfk = await loadConfig({ serializer: jsonSerializer(), runDir: join(dir, 'runinfo'), ...config });
  return dfk;
}

describe('DataFlowKernel block scaling', () => {
  it('starts initBlocks at load, scales out under load, and its cleanup leaves no block behind', async () => {
    const executor = blocksExecutor({ initBlocks: 1, maxBlocks: 3 });
    const radio = collectingRadio();
    const monitoring: Monitoring = { start: async () => radio, stop: async () => undefined };
    const k = await start({ executors: [executor], strategyPeriod: 0.1, monitoring });
    expect(executor.provider.alive()).toHaveLength(1);
    executor.outstanding = 3;
    await waitFor(() => executor.provider.alive().length === 3, 'scale-out to maxBlocks');
    await k.cleanup();
    expect(executor.provider.alive()).toHaveLength(0);
    const outAfterCleanup = executor.scaleOutCalls.length;
    await sleep(300);
    expect(executor.scaleOutCalls).toHaveLength(outAfterCleanup); // the poller stopped
    expect(radio.records.some((r) => r.kind === 'block' && r.executor === executor.label && r.state === 'running')).toBe(true);
    const begin = radio.records.find((r) => r.kind === 'workflow_start');
    expect(begin).toMatchObject({ config: { strategy: 'simple', strategyPeriod: 0.1 } });
    const log = readFileSync(join(k.runDir, 'parsl.log'), 'utf8');
    expect(log).toContain('job-status poller started');
    expect(log).toContain('job-status poller stopped');
  });

  it('uses the configured strategy: none never scales', async () => {
    const executor = blocksExecutor({ initBlocks: 1, maxBlocks: 3 }, 0);
    await start({ executors: [executor], strategy: 'none', strategyPeriod: 0.05 });
    executor.outstanding = 50;
    await sleep(400);
    expect(executor.scaleOutCalls).toEqual([1]);
  });

  it('accepts a Strategy instance', async () => {
    const executor = blocksExecutor({ initBlocks: 2, minBlocks: 0, maxBlocks: 2 });
    await start({ executors: [executor], strategy: simpleStrategy({ maxIdleTime: 0.2 }), strategyPeriod: 0.05 });
    await waitFor(() => executor.provider.alive().length === 0, 'idle scale-in');
  });

  it('starts no poller without a block-scaling executor', async () => {
    const k = await start({ executors: [new InProcessExecutor()], strategyPeriod: 0.05 });
    await k.cleanup();
    expect(readFileSync(join(k.runDir, 'parsl.log'), 'utf8')).not.toContain('job-status poller');
  });

  it('checks strategy and strategyPeriod', async () => {
    await expect(start({ executors: [new InProcessExecutor()], strategy: 'bogus' as never })).rejects.toThrow(ConfigError);
    await expect(start({ executors: [new InProcessExecutor()], strategyPeriod: 0 })).rejects.toMatchObject({ code: ErrorCodes.InvalidConfig, path: 'strategyPeriod' });
    dfk = undefined;
  });

  it('BlockFailuresError carries the registered error code', () => {
    expect(new BlockFailuresError('x', []).code).toBe(ErrorCodes.BlockFailures);
  });
});
