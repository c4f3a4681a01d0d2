import { app, loadConfig, type Executor } from '@parsl-ts/core';

/**
 * Figures of a {@link measureRetainedMemory} run.
 *
 * @since 0.1.0
 */
export interface RetainedMemoryFigures {
  readonly total: number;
  readonly batch: number;
  readonly resolved: number;
  readonly checksum: number;
  readonly expectedChecksum: number;
  readonly pendingTasks: number;
  readonly seconds: number;
  readonly tasksPerSecond: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  /** Heap kept per completed task once its future is dropped, after a full GC. */
  readonly retainedBytesPerTask: number;
  readonly peakRssBytes: number;
  readonly serializer: string;
}

const noop = app((i: number) => i, { name: 'noop' });

async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function runBatches(count: number, batch: number): Promise<{ resolved: number; checksum: number }> {
  let resolved = 0;
  let checksum = 0;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const values = await Promise.all(Array.from({ length: size }, (_, i) => noop(start + i)));
    resolved += values.length;
    for (const v of values) checksum += v;
  }
  return { resolved, checksum };
}

/**
 * Run `total` no-op tasks in batches through the given executors and measure what the submit side
 * keeps per completed task (heap after a full GC, before and after, futures dropped). Needs
 * `node --expose-gc`; executors' test suites run it in a child process.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const figures = await measureRetainedMemory({ runDir, executors: [new ThreadPoolExecutor({ maxThreads: 2 })] });
 * console.log(figures.retainedBytesPerTask);
 * ```
 */
export async function measureRetainedMemory(options: {
  runDir: string; executors: Executor[]; total?: number; batch?: number;
}): Promise<RetainedMemoryFigures> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('measureRetainedMemory needs node --expose-gc');
  const total = options.total ?? 100_000;
  const batch = options.batch ?? 10_000;
  const dfk = await loadConfig({ executors: options.executors, runDir: options.runDir, logLevel: 'warn' });
  try {
    // Warm up: compile, fill pools and caches, so that what stays afterwards is what the run retains.
    await runBatches(batch, batch);
    await settle();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const { resolved, checksum } = await runBatches(total, batch);
    const seconds = (performance.now() - started) / 1000;
    await settle();
    const heapAfter = process.memoryUsage().heapUsed;
    return {
      total, batch, resolved, checksum, expectedChecksum: (total * (total - 1)) / 2, pendingTasks: dfk.pendingTasks,
      seconds: Number(seconds.toFixed(3)), tasksPerSecond: Math.round(total / seconds),
      heapBeforeBytes: heapBefore, heapAfterBytes: heapAfter,
      retainedBytesPerTask: Number(((heapAfter - heapBefore) / total).toFixed(2)),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      serializer: dfk.serializers.ids()[0]!,
    };
  } finally {
    await dfk.cleanup();
  }
}
