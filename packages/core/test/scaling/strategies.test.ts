import { afterEach, describe, expect, it } from 'vitest';
import { idleLongEnough, JobState, type JobStatus } from '../../src/index.js';
import {
  DEFAULT_MAX_IDLE_TIME, htexAutoScaleStrategy, noneStrategy, planScaling, simpleStrategy, type ScalingState,
} from '../../src/scaling/strategies.js';
import { capturingLogger, SleepProvider, TestBlockExecutor, waitFor } from './helpers.js';

function state(partial: Partial<ScalingState> & { activeTasks: number; activeBlocks: number }): ScalingState {
  const slotsPerBlock = partial.slotsPerBlock ?? 1;
  return {
    running: partial.activeBlocks, pending: 0, minBlocks: 0, maxBlocks: 10, parallelism: 1, slotsPerBlock,
    activeSlots: partial.activeBlocks * slotsPerBlock, ...partial,
  };
}

describe('planScaling (Parsl\'s arithmetic)', () => {
  it.each([
    // [description, state, htex, expected]
    ['no tasks, at minBlocks: nothing', state({ activeTasks: 0, activeBlocks: 1, minBlocks: 1 }), false, { action: 'none' }],
    ['no tasks, above minBlocks: scale in to minBlocks once idle', state({ activeTasks: 0, activeBlocks: 4, minBlocks: 1 }), false, { action: 'in', blocks: 3, why: 'idle' }],
    ['10 tasks, no blocks, 2 slots each, parallelism 1: 5 blocks', state({ activeTasks: 10, activeBlocks: 0, slotsPerBlock: 2 }), false, { action: 'out', blocks: 5 }],
    ['10 tasks, no blocks, 2 slots each, parallelism 0.5: 3 blocks', state({ activeTasks: 10, activeBlocks: 0, slotsPerBlock: 2, parallelism: 0.5 }), false, { action: 'out', blocks: 3 }],
    ['10 tasks, 2 blocks of 2: 3 more', state({ activeTasks: 10, activeBlocks: 2, slotsPerBlock: 2 }), false, { action: 'out', blocks: 3 }],
    ['capped at maxBlocks', state({ activeTasks: 100, activeBlocks: 1, maxBlocks: 3 }), false, { action: 'out', blocks: 2 }],
    ['at maxBlocks: nothing', state({ activeTasks: 100, activeBlocks: 3, maxBlocks: 3 }), false, { action: 'none' }],
    ['parallelism 0 with tasks and no block: one block', state({ activeTasks: 50, activeBlocks: 0, parallelism: 0 }), false, { action: 'out', blocks: 1 }],
    ['parallelism 0 with a block: nothing more', state({ activeTasks: 50, activeBlocks: 1, parallelism: 0 }), false, { action: 'none' }],
    ['maxBlocks 0: never a block', state({ activeTasks: 5, activeBlocks: 0, maxBlocks: 0 }), false, { action: 'none' }],
    ['slots match the load', state({ activeTasks: 4, activeBlocks: 2, slotsPerBlock: 2 }), false, { action: 'none' }],
    ['simple keeps excess capacity while tasks remain', state({ activeTasks: 3, activeBlocks: 2, slotsPerBlock: 4 }), false, { action: 'none' }],
    ['htexAutoScale gives back excess whole blocks', state({ activeTasks: 3, activeBlocks: 2, slotsPerBlock: 4 }), true, { action: 'in', blocks: 1, why: 'excess' }],
    ['htexAutoScale keeps a block that is partly needed', state({ activeTasks: 5, activeBlocks: 2, slotsPerBlock: 4 }), true, { action: 'none' }],
    ['htexAutoScale never goes below minBlocks', state({ activeTasks: 1, activeBlocks: 3, slotsPerBlock: 4, minBlocks: 2 }), true, { action: 'in', blocks: 1, why: 'excess' }],
    ['blocks below minBlocks are topped up', state({ activeTasks: 0, activeBlocks: 1, minBlocks: 3 }), false, { action: 'out', blocks: 2 }],
  ] as const)('%s', (_name, s, htex, expected) => {
    expect(planScaling(s, htex)).toMatchObject(expected);
  });
});

describe('built-in strategies against a real provider', () => {
  let provider: SleepProvider | undefined;
  afterEach(async () => { await provider?.destroy(); provider = undefined; });

  it('count only non-terminal blocks', async () => {
    provider = new SleepProvider({ maxBlocks: 3 });
    const executor = new TestBlockExecutor(provider);
    await executor.scaleOut(3);
    provider.kill(executor.blocks.get('0')!.jobId);
    await waitFor(() => provider!.alive().length === 2, 'the killed block to exit');
    const status = await executor.blockStatus();
    expect(status.get('0')).toMatchObject({ state: JobState.failed, message: 'killed by SIGKILL' });
    executor.outstanding = 10;
    await simpleStrategy().strategize([executor]);
    expect(executor.scaleOutCalls).toEqual([3, 1]); // the failed block left room for one
    expect(provider.alive()).toHaveLength(3);
  });

  it('simple scales in to minBlocks only after maxIdleTime without tasks', async () => {
    provider = new SleepProvider({ minBlocks: 1, maxBlocks: 4 });
    const executor = new TestBlockExecutor(provider);
    await executor.scaleOut(3);
    let clock = 1_000_000;
    const strategy = simpleStrategy({ maxIdleTime: 30, now: () => clock });
    await strategy.strategize([executor]); // idle timer starts
    clock += 29_000;
    await strategy.strategize([executor]);
    expect(executor.scaleInCalls).toEqual([]);
    executor.outstanding = 1; // a task resets the idle timer
    await strategy.strategize([executor]);
    executor.outstanding = 0;
    clock += 10_000;
    await strategy.strategize([executor]); // timer restarts here
    clock += 29_000;
    await strategy.strategize([executor]);
    expect(executor.scaleInCalls).toEqual([]);
    clock += 1_000;
    await strategy.strategize([executor]);
    expect(executor.scaleInCalls).toEqual([{ blocks: 2 }]);
    expect(provider.alive()).toHaveLength(1);
  });

  it('an executor\'s own maxIdleTime wins over the strategy\'s', async () => {
    provider = new SleepProvider({ maxBlocks: 2 });
    const executor = new TestBlockExecutor(provider, { maxIdleTime: 0 });
    await executor.scaleOut(1);
    await simpleStrategy({ maxIdleTime: 3600 }).strategize([executor]);
    expect(executor.scaleInCalls).toEqual([{ blocks: 1 }]);
    expect(DEFAULT_MAX_IDLE_TIME).toBe(120);
  });

  it('htexAutoScale scales in partly used excess blocks that are idle, keeping the busy ones', async () => {
    provider = new SleepProvider({ maxBlocks: 4 });
    const executor = new TestBlockExecutor(provider, { workersPerBlock: 2 });
    await executor.scaleOut(3);
    executor.outstanding = 1;
    executor.setBusy('1', true);
    // All idle for less than maxIdleTime: nothing goes.
    await htexAutoScaleStrategy({ maxIdleTime: 3600 }).strategize([executor]);
    expect(executor.scaleInCalls).toEqual([]);
    // simple never scales in while there are tasks.
    await simpleStrategy({ maxIdleTime: 0 }).strategize([executor]);
    expect(executor.scaleInCalls).toEqual([]);
    // Idle blocks must have been idle for some time: a block at 0 s counts as busy.
    await new Promise((r) => setTimeout(r, 20));
    await htexAutoScaleStrategy({ maxIdleTime: 0 }).strategize([executor]);
    // 6 slots for 1 task: floor(5 / 2) = 2 excess blocks, both idle.
    expect(executor.scaleInCalls).toEqual([{ blocks: 2, maxIdleSeconds: 0 }]);
    expect(executor.liveBlocks().map(([id]) => id)).toEqual(['1']);
  });

  it('idleLongEnough: a busy block (0 s) is never idle, even for maxIdleTime 0', () => {
    expect(idleLongEnough(0, 0)).toBe(false);
    expect(idleLongEnough(undefined, 0)).toBe(false);
    expect(idleLongEnough(0.001, 0)).toBe(true);
    expect(idleLongEnough(5, 10)).toBe(false);
    expect(idleLongEnough(10, 10)).toBe(true);
    expect(idleLongEnough(Infinity, 120)).toBe(true);
  });

  it('htexAutoScale never scales in a busy block, even with maxIdleTime 0', async () => {
    provider = new SleepProvider({ maxBlocks: 4 });
    const executor = new TestBlockExecutor(provider, { workersPerBlock: 1 });
    await executor.scaleOut(2);
    executor.outstanding = 1;
    executor.setBusy('0', true);
    executor.setBusy('1', true);
    // One block is excess for one task, but both report work in flight: neither is idle.
    await htexAutoScaleStrategy({ maxIdleTime: 0 }).strategize([executor]);
    expect(executor.liveBlocks().map(([id]) => id).sort()).toEqual(['0', '1']);
  });

  it('htexAutoScale scales in no more blocks than are idle long enough', async () => {
    provider = new SleepProvider({ maxBlocks: 4 });
    const executor = new TestBlockExecutor(provider, { workersPerBlock: 1 });
    await executor.scaleOut(3);
    executor.outstanding = 1;
    executor.setBusy('0', true);
    executor.setBusy('2', true);
    executor.setBusy('2', false); // just finished a task: idle for ~0 s
    await new Promise((r) => setTimeout(r, 300));
    executor.setBusy('2', true);
    executor.setBusy('2', false);
    await htexAutoScaleStrategy({ maxIdleTime: 0.2 }).strategize([executor]);
    // 3 slots for 1 task: 2 excess, but only block 1 has been idle for 0.2 s.
    expect(executor.scaleInCalls).toEqual([{ blocks: 1, maxIdleSeconds: 0.2 }]);
    expect(executor.liveBlocks().map(([id]) => id).sort()).toEqual(['0', '2']);
  });

  it('never throws out of strategize: the failing executor is logged, the others are scaled', async () => {
    provider = new SleepProvider({ maxBlocks: 2 });
    const good = new TestBlockExecutor(provider, { label: 'good' });
    const broken = new TestBlockExecutor(provider, { label: 'broken' });
    broken.blockStatus = async (): Promise<ReadonlyMap<string, JobStatus>> => { throw new Error('squeue: connection refused'); };
    good.outstanding = 1;
    broken.outstanding = 1;
    const { logger, lines } = capturingLogger();
    for (const strategy of [simpleStrategy({ logger }), htexAutoScaleStrategy({ logger })]) {
      await expect(strategy.strategize([broken, good])).resolves.toBeUndefined();
    }
    expect(good.scaleOutCalls).toEqual([1]);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ executor: 'broken', err: { message: 'squeue: connection refused' } });
  });

  it('none never scales', async () => {
    provider = new SleepProvider({ maxBlocks: 2, minBlocks: 1 });
    const executor = new TestBlockExecutor(provider);
    executor.outstanding = 100;
    const strategy = noneStrategy();
    await strategy.strategize([executor]);
    expect(strategy.name).toBe('none');
    expect(executor.scaleOutCalls).toEqual([]);
  });
});
