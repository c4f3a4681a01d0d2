import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ErrorCodes, JobState, ParslError, type MonitoringRecord, type Strategy } from '../../src/index.js';
import { BlockFailuresError } from '../../src/scaling/BlockFailuresError.js';
import { JobStatusPoller, type JobStatusPollerOptions } from '../../src/scaling/JobStatusPoller.js';
import { htexAutoScaleStrategy, noneStrategy, simpleStrategy } from '../../src/scaling/strategies.js';
import { InProcessExecutor } from '../helpers/InProcessExecutor.js';
import { capturingLogger, collectingRadio, sleep, SleepProvider, TestBlockExecutor, waitFor, type SleepProviderOptions, type TestBlockExecutorOptions } from './helpers.js';

const pollers: JobStatusPoller[] = [];
const providers: SleepProvider[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await Promise.all(providers.splice(0).map((p) => p.destroy()));
});

function setup(providerOptions: SleepProviderOptions, executorOptions: TestBlockExecutorOptions = {}, pollerOptions: Partial<JobStatusPollerOptions> = {}) {
  const provider = new SleepProvider(providerOptions);
  providers.push(provider);
  const executor = new TestBlockExecutor(provider, executorOptions);
  const radio = collectingRadio();
  const { logger, lines } = capturingLogger();
  const poller = new JobStatusPoller({
    executors: [executor], strategy: simpleStrategy({ logger }), strategyPeriod: 0.1, logger, monitoring: radio, runId: 'run-1', ...pollerOptions,
  });
  pollers.push(poller);
  return { provider, executor, poller, radio, lines };
}

function blockRecords(records: MonitoringRecord[]): { blockId: string; state: string; message?: string }[] {
  return records.flatMap((r) => (r.kind === 'block' ? [{ blockId: r.blockId, state: r.state, ...(r.message ? { message: r.message } : {}) }] : []));
}

describe('JobStatusPoller', () => {
  it('drives only block-scaling executors and checks its options', () => {
    const provider = new SleepProvider();
    providers.push(provider);
    const blocks = new TestBlockExecutor(provider);
    const poller = new JobStatusPoller({ executors: [new InProcessExecutor(), blocks], strategy: noneStrategy() });
    expect(poller.executors).toEqual([blocks]);
    expect(poller.strategyPeriod).toBe(5);
    expect(() => new JobStatusPoller({ executors: [], strategy: noneStrategy(), strategyPeriod: 0 })).toThrow(ConfigError);
    expect(() => new JobStatusPoller({ executors: [], strategy: noneStrategy(), blockFailureThreshold: -1 })).toThrow(/blockFailureThreshold/);
  });

  it('starts initBlocks at start, as real processes, and records them', async () => {
    const { provider, executor, poller, radio } = setup({ initBlocks: 2, maxBlocks: 4 }, {}, { strategy: noneStrategy() });
    await poller.start();
    expect(poller.running).toBe(true);
    expect(executor.scaleOutCalls).toEqual([2]);
    expect(provider.alive()).toHaveLength(2);
    expect(blockRecords(radio.records)).toEqual([{ blockId: '0', state: 'pending' }, { blockId: '1', state: 'pending' }]);
    expect(radio.records[0]).toMatchObject({ kind: 'block', runId: 'run-1', executor: 'blocks' });
    await waitFor(() => blockRecords(radio.records).filter((r) => r.state === 'running').length === 2, 'both blocks reported running');
    expect([...poller.statusOf('blocks')!.values()].map((s) => s.state)).toEqual(['running', 'running']);
  });

  it('never starts more than maxBlocks, even when initBlocks asks for more', async () => {
    const { provider, executor, poller, lines } = setup({ initBlocks: 5, maxBlocks: 2 });
    await poller.start();
    expect(executor.scaleOutCalls).toEqual([2]);
    expect(provider.alive()).toHaveLength(2);
    expect(lines.some((l) => l.msg === 'initBlocks is more than maxBlocks; starting maxBlocks')).toBe(true);
  });

  it('scales out under load, in whole blocks, respecting parallelism, and never beyond maxBlocks', async () => {
    const { provider, executor, poller } = setup({ maxBlocks: 5, parallelism: 0.5 }, { workersPerBlock: 2 });
    await poller.start();
    expect(provider.alive()).toHaveLength(0);
    executor.outstanding = 10; // 10 × 0.5 = 5 slots wanted = 3 blocks of 2
    await waitFor(() => provider.alive().length === 3, '3 blocks');
    await sleep(400);
    expect(executor.scaleOutCalls).toEqual([3]);
    executor.outstanding = 100; // wants 25 blocks; maxBlocks is 5
    let most = 0;
    const end = Date.now() + 800;
    while (Date.now() < end) {
      most = Math.max(most, provider.alive().length);
      await sleep(10);
    }
    expect(most).toBe(5);
    expect(executor.scaleOutCalls).toEqual([3, 2]);
    expect(provider.submitCalls).toBe(5);
  });

  it('scales in to minBlocks after maxIdleTime when idle, and the processes are gone', async () => {
    const { provider, executor, poller } = setup({ initBlocks: 3, minBlocks: 1, maxBlocks: 3 }, { maxIdleTime: 0.8 });
    const started = Date.now();
    await poller.start();
    expect(provider.alive()).toHaveLength(3);
    await sleep(400);
    expect(provider.alive()).toHaveLength(3); // idle, but not for maxIdleTime yet
    await waitFor(() => provider.alive().length === 1, 'scale-in to minBlocks');
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(executor.scaleInCalls).toEqual([{ blocks: 2 }]);
    const states = [...poller.statusOf('blocks')!.values()].map((s) => s.state).sort();
    expect(states).toEqual([JobState.running, JobState.scaledIn, JobState.scaledIn]);
    await sleep(400);
    expect(provider.alive()).toHaveLength(1); // minBlocks stays
  });

  it('htexAutoScale gives back idle excess blocks while tasks remain', async () => {
    const { provider, executor, poller } = setup({ initBlocks: 3, maxBlocks: 3 }, { workersPerBlock: 1, maxIdleTime: 0.3 }, { strategy: htexAutoScaleStrategy() });
    executor.outstanding = 1;
    executor.setBusy('0', true);
    await poller.start();
    await waitFor(() => provider.alive().length === 1, 'excess blocks scaled in');
    expect(executor.liveBlocks().map(([id]) => id)).toEqual(['0']);
  });

  it('notices blocks that die and replaces them while load remains', async () => {
    const { provider, executor, poller, radio } = setup({ maxBlocks: 2 }, { workersPerBlock: 1 });
    executor.outstanding = 4;
    await poller.start();
    await waitFor(() => provider.alive().length === 2, '2 blocks');
    const victim = executor.blocks.get('0')!.jobId;
    provider.kill(victim);
    await waitFor(() => executor.failedBlocks.includes('0'), 'the executor told about the failed block');
    await waitFor(() => provider.alive().length === 2 && !provider.alive().includes(victim), 'a replacement block');
    expect(blockRecords(radio.records)).toContainEqual({ blockId: '0', state: 'failed', message: 'killed by SIGKILL' });
    expect(executor.blocks.has('2')).toBe(true);
    expect(executor.badState).toBeUndefined();
    expect(poller.badStateOf('blocks')).toBeUndefined();
  });

  it('puts an executor whose blocks keep failing in bad state, with their stderr, and stops scaling it', async () => {
    const { provider, executor, poller, lines } = setup({ maxBlocks: 1 }, { command: 'echo "worker-pool: command not found" >&2; exit 127' });
    executor.outstanding = 5;
    await poller.start();
    await waitFor(() => executor.badState !== undefined, 'bad state', 15_000);
    const error = executor.badState!;
    expect(error).toBeInstanceOf(BlockFailuresError);
    expect(error).toBeInstanceOf(ParslError);
    expect(error.code).toBe('PARSL_BLOCK_FAILURES');
    expect(error.failures).toHaveLength(3);
    expect(error.failures[0]).toMatchObject({ status: { state: 'failed', exitCode: 127 }, stderrTail: 'worker-pool: command not found' });
    expect(error.message).toContain('3 blocks in a row failed');
    expect(error.message).toContain('exit code 127');
    expect(error.message).toContain('worker-pool: command not found');
    expect(poller.badStateOf('blocks')).toBe(error);
    expect(lines.some((l) => l.level === 50 && l.code === 'PARSL_BLOCK_FAILURES')).toBe(true);
    const submitted = provider.submitCalls;
    await sleep(500);
    expect(provider.submitCalls).toBe(submitted);
  });

  it('counts blocks that cannot be submitted as failures', async () => {
    const { provider, executor, poller, radio } = setup({ initBlocks: 1, maxBlocks: 2 }, {}, { blockFailureThreshold: 2 });
    provider.failSubmit = 'sbatch: error: invalid partition specified: debugg';
    executor.outstanding = 3;
    await poller.start();
    await waitFor(() => executor.badState !== undefined, 'bad state');
    expect(executor.badState!.message).toContain('invalid partition specified: debugg');
    expect(blockRecords(radio.records)[0]).toMatchObject({ blockId: 'submit-failure-1', state: 'failed' });
  });

  it('does not count blocks that ended for other reasons, nor scaled-in ones', async () => {
    const { provider, executor, poller } = setup({ initBlocks: 2, maxBlocks: 2 }, { maxIdleTime: 0 }, { blockFailureThreshold: 1 });
    await poller.start();
    await waitFor(() => executor.scaleInCalls.length > 0 && provider.alive().length === 0, 'idle scale-in');
    await sleep(300);
    expect(executor.failedBlocks).toEqual([]);
    expect(executor.badState).toBeUndefined();
  });

  it('with strategy none never scales beyond initBlocks, under load or idle', async () => {
    const { provider, executor, poller } = setup({ initBlocks: 1, maxBlocks: 4 }, { maxIdleTime: 0 }, { strategy: noneStrategy() });
    await poller.start();
    executor.outstanding = 100;
    await sleep(400);
    executor.outstanding = 0;
    await sleep(400);
    expect(executor.scaleOutCalls).toEqual([1]);
    expect(executor.scaleInCalls).toEqual([]);
    expect(provider.alive()).toHaveLength(1);
    expect(provider.statusCalls).toBeGreaterThan(3); // status is still polled
  });

  it('polls status no more often than the provider\'s statusPollingInterval', async () => {
    const { provider, poller } = setup({ initBlocks: 1, statusPollingInterval: 0.5 });
    await poller.start();
    await sleep(1150);
    expect(provider.statusCalls).toBeGreaterThanOrEqual(2);
    expect(provider.statusCalls).toBeLessThanOrEqual(3);
  });

  it('stop() kills nothing itself and returns promptly even when status() hangs; calls never overlap', async () => {
    const { provider, executor, poller, lines } = setup({ initBlocks: 2, maxBlocks: 2 }, {}, { roundTimeout: 0.2 });
    await poller.start();
    provider.hangStatus = true;
    await sleep(800); // many periods and several round timeouts
    expect(provider.maxConcurrentStatus).toBe(1);
    expect(provider.statusCalls).toBe(1);
    expect(lines.some((l) => l.msg === 'block status did not arrive within roundTimeout')).toBe(true);
    expect(lines.some((l) => l.msg === 'a provider call for this executor has not returned; it is skipped until it does')).toBe(true);
    const t0 = Date.now();
    await poller.stop();
    expect(Date.now() - t0).toBeLessThan(100);
    expect(poller.running).toBe(false);
    expect(provider.alive()).toHaveLength(2); // the executor's shutdown stops blocks, not the poller
    await executor.shutdown();
    expect(provider.alive()).toHaveLength(0);
    await expect(poller.stop()).resolves.toBeUndefined(); // twice is fine
  });

  it('does not keep the process alive: its timers are unref\'d', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/unrefPoller.mts', import.meta.url));
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], { timeout: 15_000 });
    expect(stdout.trim()).toBe('running=true statusCalls=1'); // never stopped, a status call still pending
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('stop() while start() is stuck in a hanging scale-out is bounded by stopTimeout', async () => {
    const { executor, poller } = setup({ initBlocks: 1 }, {}, { stopTimeout: 0.2 });
    executor.scaleOut = () => new Promise<string[]>(() => undefined);
    const starting = poller.start();
    await sleep(50);
    const t0 = Date.now();
    await poller.stop();
    expect(Date.now() - t0).toBeLessThan(600);
    await starting;
  });

  it('never overlaps rounds when the strategy is slow, and survives a strategy that throws', async () => {
    let inside = 0;
    let most = 0;
    let calls = 0;
    const slow: Strategy = {
      name: 'slow',
      async strategize() {
        calls++;
        inside++;
        most = Math.max(most, inside);
        await sleep(150);
        inside--;
        if (calls % 2 === 0) throw new Error('strategy bug');
      },
    };
    const { poller, lines } = setup({}, {}, { strategy: slow, strategyPeriod: 0.02 });
    await poller.start();
    await waitFor(() => calls >= 4, '4 strategy rounds');
    expect(most).toBe(1);
    expect(lines.some((l) => l.msg === 'strategy failed; trying again next round')).toBe(true);
  });

  it('caps a greedy custom strategy at maxBlocks and shows it cached block status', async () => {
    const seen: number[] = [];
    const greedy: Strategy = {
      name: 'greedy',
      async strategize(executors) {
        for (const executor of executors) {
          seen.push((await executor.blockStatus()).size);
          await executor.scaleOut(100);
        }
      },
    };
    const { provider, poller } = setup({ maxBlocks: 3, statusPollingInterval: 3600 }, {}, { strategy: greedy });
    await poller.start();
    await waitFor(() => seen.length >= 3, '3 rounds');
    expect(provider.alive()).toHaveLength(3);
    expect(provider.submitCalls).toBe(3);
    expect(seen.slice(0, 2)).toEqual([0, 3]); // new blocks count at once, without a status refresh
    expect(provider.statusCalls).toBe(1);
  });

  it('sends every block state change once', async () => {
    const { provider, executor, poller, radio } = setup({ initBlocks: 1, minBlocks: 0 }, { maxIdleTime: 0.3 });
    await poller.start();
    await waitFor(() => provider.alive().length === 0, 'idle scale-in');
    await sleep(300);
    expect(blockRecords(radio.records)).toEqual([
      { blockId: '0', state: 'pending' }, { blockId: '0', state: 'running' }, { blockId: '0', state: 'scaled_in' },
    ]);
    expect(executor.failedBlocks).toEqual([]);
    expect(ErrorCodes.InvalidConfig).toBe('PARSL_INVALID_CONFIG');
  });
});
