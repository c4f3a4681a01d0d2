/**
 * `parsl-ts perf`: the equivalent of `parsl-perf`. Submits no-op tasks in batches of growing
 * size and reports the throughput of each batch, the peak resident memory, and how much memory the
 * DataFlowKernel keeps per completed task once the batch's futures are dropped.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, resolve } from 'node:path';
import type { Config, Executor } from '@parsl-ts/core';
import { loadCore, type CoreModule } from '../core.js';
import { CliError, CliErrorCodes } from '../errors.js';

/**
 * Options of {@link runPerf} (the command's flags).
 *
 * @since 0.1.0
 */
export interface PerfOptions {
  /** A config file to load instead of the default thread pool. */
  readonly config?: string | undefined;
  /** Executor short name (`threads`) or plugin package, when no config file is given. */
  readonly executor: string;
  /** Workers of that executor. */
  readonly workers: number;
  /** Tasks in the first batch. */
  readonly start: number;
  /** Largest batch. */
  readonly max: number;
  /** Growth factor between batches. */
  readonly factor: number;
  /** Stop after a batch that takes longer than this many seconds. */
  readonly time: number;
  /** Single-task round trips to time after the batches (0: none). Default 1000. */
  readonly latency?: number | undefined;
  /** Parent folder of the run directory (default: the config's, or ./runinfo). */
  readonly runDir?: string | undefined;
}

/**
 * One measured batch.
 *
 * @since 0.1.0
 */
export interface PerfBatch {
  /** Tasks in the batch. */
  readonly tasks: number;
  /** Seconds to submit them (call the app n times). */
  readonly submitSeconds: number;
  /** Seconds from the first submission to the last result. */
  readonly seconds: number;
  /** tasks / seconds. */
  readonly tasksPerSecond: number;
  /** Main-thread heap used after a full GC, before the batch. */
  readonly heapBeforeBytes: number | undefined;
  /** Main-thread heap used after a full GC, after the batch, its futures dropped. */
  readonly heapAfterBytes: number | undefined;
  /** (heapAfter - heapBefore) / tasks: what the DataFlowKernel keeps per completed task. */
  readonly retainedBytesPerTask: number | undefined;
  /** Resident set size right after the batch. */
  readonly rssBytes: number;
}

/**
 * Single-task round trips: one task submitted when the previous one's result arrived, on an
 * otherwise idle executor — the latency a user feels, as opposed to throughput.
 *
 * @since 0.1.1
 */
export interface PerfLatency {
  /** Round trips timed. */
  readonly samples: number;
  /** Fastest round trip, ms. */
  readonly minMs: number;
  /** Median round trip, ms. */
  readonly p50Ms: number;
  /** 90th percentile, ms. */
  readonly p90Ms: number;
  /** 99th percentile, ms. */
  readonly p99Ms: number;
}

/**
 * The result of a perf run (what `--json` prints).
 *
 * @since 0.1.0
 */
export interface PerfReport {
  /** Version of @parsl-ts/core measured. */
  readonly coreVersion: string;
  /** Node.js version. */
  readonly node: string;
  /** What was measured. */
  readonly executor: { readonly label: string; readonly kind: string; readonly source: string; readonly workers: number | undefined };
  /** The options used. */
  readonly options: Omit<PerfOptions, 'runDir'>;
  /**
   * Start-up: seconds `loadConfig` took, and seconds from calling it to the result of one no-op
   * task (Parsl's "load to first result": executors and first blocks started, workers connected).
   * @since 0.1.1
   */
  readonly startup: { readonly loadSeconds: number; readonly firstResultSeconds: number };
  /** The warm-up batch (not counted). */
  readonly warmup: { readonly tasks: number; readonly seconds: number };
  /** Every measured batch, in order. */
  readonly batches: readonly PerfBatch[];
  /** Why it stopped. */
  readonly stopReason: 'time' | 'max';
  /** Single-task round trips after the batches; undefined with `latency: 0`. */
  readonly latency: PerfLatency | undefined;
  /** Highest resident set size seen (sampled every 50 ms and after each batch). */
  readonly peakRssBytes: number;
  /** Highest main-thread heap use seen (sampled with the RSS): what the tasks in flight cost. */
  readonly peakHeapUsedBytes: number;
  /** The kernel's own high-water mark of the resident set size (getrusage maxrss). */
  readonly maxRssBytes: number;
  /** Main-thread heap used after a full GC at the end, before cleanup; undefined without GC. */
  readonly heapUsedAfterGcBytes: number | undefined;
  /** Retained bytes per completed task, measured on the largest batch; undefined without GC. */
  readonly retainedBytesPerTask: number | undefined;
  /** Whether a full GC could be forced (needed for the heap figures). */
  readonly gcAvailable: boolean;
  /** The run directory of the perf run. */
  readonly runDir: string;
}

/**
 * Executors `--executor` knows by short name, with the package and options they stand for.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * KNOWN_EXECUTORS.threads.package; // '@parsl-ts/executor-threads'
 * ```
 */
export const KNOWN_EXECUTORS: Readonly<Record<string, { package: string; options: (workers: number) => Record<string, unknown> }>> = {
  threads: { package: '@parsl-ts/executor-threads', options: (workers) => ({ label: 'perf', maxThreads: workers }) },
};

/**
 * Check the numeric options; throws PARSL_CLI_BAD_OPTION naming the flag.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * validatePerfOptions({ executor: 'threads', workers: 0, start: 10, max: 100, factor: 2, time: 1 }); // throws
 * ```
 */
export function validatePerfOptions(options: PerfOptions): void {
  const bad = (flag: string, value: unknown, rule: string, hint: string): never => {
    throw new CliError(CliErrorCodes.BadOption, `--${flag} must be ${rule}, got ${String(value)}`, hint);
  };
  const whole = (n: number): boolean => Number.isInteger(n) && n >= 1;
  if (!whole(options.workers)) bad('workers', options.workers, 'a whole number >= 1', 'e.g. --workers 2');
  if (!whole(options.start)) bad('start', options.start, 'a whole number >= 1', 'e.g. --start 1000');
  if (!whole(options.max)) bad('max', options.max, 'a whole number >= 1', 'e.g. --max 100000');
  if (options.max < options.start) bad('max', options.max, `>= --start (${options.start})`, 'raise --max or lower --start');
  if (!(options.factor > 1) || !Number.isFinite(options.factor)) bad('factor', options.factor, 'a number > 1', 'e.g. --factor 2');
  if (!(options.time > 0) || !Number.isFinite(options.time)) bad('time', options.time, 'a number of seconds > 0', 'e.g. --time 10');
  if (options.latency !== undefined && !(Number.isInteger(options.latency) && options.latency >= 0)) {
    bad('latency', options.latency, 'a whole number >= 0', 'e.g. --latency 1000, or --latency 0 to skip');
  }
  if (!options.config && !KNOWN_EXECUTORS[options.executor] && !looksLikePackage(options.executor)) {
    bad('executor', options.executor, `one of ${Object.keys(KNOWN_EXECUTORS).join(', ')} or an executor plugin package`,
      'use --executor threads, or --config parsl.config.json for any other executor');
  }
}

function looksLikePackage(name: string): boolean {
  return name.startsWith('@') || name.startsWith('parsl-ts-') || name.includes('/');
}

/**
 * A function that forces a full, synchronous garbage collection, or undefined when none can be
 * had. Uses `global.gc` (node --expose-gc, which `parsl-ts perf` passes), else turns the flag on
 * at run time and takes `gc` from a fresh context.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const gc = forceGc(); gc?.(); console.log(process.memoryUsage().heapUsed);
 * ```
 */
export function forceGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run the measurement. `onBatch` sees each batch as soon as it is done (for live output).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const report = await runPerf({ executor: 'threads', workers: 2, start: 100, max: 400, factor: 2, time: 10 });
 * console.log(report.batches.map((b) => b.tasksPerSecond));
 * ```
 */
export async function runPerf(
  options: PerfOptions,
  hooks: { onStart?: (info: Pick<PerfReport, 'executor' | 'coreVersion' | 'node' | 'startup' | 'warmup' | 'gcAvailable'>) => void; onBatch?: (batch: PerfBatch, index: number) => void } = {},
): Promise<PerfReport> {
  validatePerfOptions(options);
  const baseDir = options.config ? dirname(resolve(options.config)) : process.cwd();
  const { core } = await loadCore(baseDir);
  const gc = forceGc();
  const heap = (): number | undefined => {
    if (!gc) return undefined;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): number => {
    const { rss, heapUsed } = process.memoryUsage();
    if (rss > peakRss) peakRss = rss;
    if (heapUsed > peakHeap) peakHeap = heapUsed;
    return rss;
  };
  sample();
  const sampler = setInterval(sample, 50);
  sampler.unref();

  const { config, source, workers } = await perfConfig(core, options, baseDir);
  const loadStarted = performance.now();
  const dfk = await core.loadConfig({ ...config, runDir: options.runDir ?? config.runDir ?? 'runinfo', name: config.name ?? 'parsl-ts-perf' });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  try {
    const executor = dfk.executor(dfk.executorLabels[0]!);
    const noop = core.app(() => 0, { name: 'noop', ship: 'value' });
    await noop();
    const startup = { loadSeconds, firstResultSeconds: (performance.now() - loadStarted) / 1000 };
    const runBatch = async (n: number): Promise<{ submitSeconds: number; seconds: number }> => {
      const t0 = performance.now();
      const futures: Promise<unknown>[] = new Array(n);
      for (let i = 0; i < n; i++) futures[i] = noop();
      const t1 = performance.now();
      await Promise.all(futures);
      const t2 = performance.now();
      sample(); // the futures are still held here: the batch's high point
      return { submitSeconds: (t1 - t0) / 1000, seconds: (t2 - t0) / 1000 };
    };

    const warmupTasks = Math.min(options.start, 100);
    const warm = await runBatch(warmupTasks);
    const header = {
      executor: { label: executor?.label ?? '?', kind: executor?.kind ?? '?', source, workers },
      coreVersion: core.CORE_VERSION, node: process.version, startup, warmup: { tasks: warmupTasks, seconds: warm.seconds }, gcAvailable: gc !== undefined,
    };
    hooks.onStart?.(header);

    const batches: PerfBatch[] = [];
    let n = options.start;
    let stopReason: PerfReport['stopReason'];
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const before = heap();
      const timing = await runBatch(n);
      // The batch's futures are out of scope now: what is left on the heap is what the kernel keeps.
      await new Promise((r) => setImmediate(r));
      const after = heap();
      const batch: PerfBatch = {
        tasks: n, submitSeconds: timing.submitSeconds, seconds: timing.seconds, tasksPerSecond: n / timing.seconds,
        heapBeforeBytes: before, heapAfterBytes: after,
        retainedBytesPerTask: before === undefined || after === undefined ? undefined : (after - before) / n,
        rssBytes: sample(),
      };
      batches.push(batch);
      hooks.onBatch?.(batch, batches.length - 1);
      if (timing.seconds > options.time) { stopReason = 'time'; break; }
      if (n >= options.max) { stopReason = 'max'; break; }
      n = Math.min(options.max, Math.ceil(n * options.factor));
    }
    const latency = await measureLatency(() => noop(), options.latency ?? 1000);
    const heapUsedAfterGc = heap();
    sample();
    const largest = batches.reduce((a, b) => (b.tasks >= a.tasks ? b : a));
    return {
      ...header,
      options: {
        config: options.config, executor: options.executor, workers: options.workers, start: options.start, max: options.max,
        factor: options.factor, time: options.time, latency: options.latency ?? 1000,
      },
      batches, stopReason, latency, peakRssBytes: peakRss, peakHeapUsedBytes: peakHeap, maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedAfterGcBytes: heapUsedAfterGc, retainedBytesPerTask: largest.retainedBytesPerTask, runDir: dfk.runDir,
    };
  } finally {
    clearInterval(sampler);
    await dfk.cleanup();
  }
}

/**
 * Time `samples` round trips of one task each, one after the other (after a few untimed ones).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const latency = await measureLatency(() => noop(), 1000); // latency?.p50Ms
 * ```
 */
export async function measureLatency(run: () => PromiseLike<unknown>, samples: number): Promise<PerfLatency | undefined> {
  if (samples <= 0) return undefined;
  for (let i = 0; i < Math.min(20, samples); i++) await run();
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await run();
    times[i] = performance.now() - t0;
  }
  times.sort();
  const at = (q: number): number => times[Math.min(samples - 1, Math.floor(q * samples))]!;
  return { samples, minMs: times[0]!, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99) };
}

async function perfConfig(core: CoreModule, options: PerfOptions, baseDir: string): Promise<{ config: Config; source: string; workers: number | undefined }> {
  if (options.config) {
    const config = await core.configFromFile(options.config);
    if (!config.executors || config.executors.length === 0) {
      const resolved = await core.resolveConfig(config, baseDir);
      return { config: resolved, source: `${options.config} (default executor)`, workers: undefined };
    }
    const first = config.executors[0]!;
    return { config: { ...config, executors: [first] }, source: options.config, workers: workerCount(first) };
  }
  const known = KNOWN_EXECUTORS[options.executor];
  const descriptor = known
    ? { package: known.package, options: known.options(options.workers) }
    : { package: options.executor, options: { label: 'perf' } };
  const importer = (specifier: string): Promise<unknown> => core.importFrom(specifier, baseDir);
  const executor = await core.instantiatePlugin<Executor>(descriptor, 'executor', importer);
  return { config: { executors: [executor] }, source: descriptor.package, workers: known ? options.workers : workerCount(executor) };
}

function workerCount(executor: Executor): number | undefined {
  const o = executor.options as Record<string, unknown> | undefined;
  const n = o?.maxThreads ?? o?.maxWorkers ?? o?.workers;
  return typeof n === 'number' ? n : undefined;
}

/**
 * Bytes as `12.3 MiB`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatBytes(1536); // '1.5 KiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * The `parsl-ts perf` command: prints a table as batches finish, or one JSON document with `json`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await perfCommand({ executor: 'threads', workers: 2, start: 1000, max: 100000, factor: 2, time: 10, json: false });
 * ```
 */
export async function perfCommand(options: PerfOptions & { json?: boolean }): Promise<void> {
  const out = (line: string): void => { process.stdout.write(`${line}\n`); };
  const report = await runPerf(options, options.json ? {} : {
    onStart: (info) => {
      const w = info.executor.workers;
      const workers = w === undefined ? '' : `, ${w} worker${w === 1 ? '' : 's'}`;
      out(`parsl-ts perf: executor ${info.executor.label} (${info.executor.kind}, ${info.executor.source}${workers}) · target ${options.time} s per batch · core ${info.coreVersion} · node ${info.node}`);
      out(`start-up: loadConfig ${info.startup.loadSeconds.toFixed(3)} s · first result ${info.startup.firstResultSeconds.toFixed(3)} s after loadConfig was called`);
      out(`warm-up: ${info.warmup.tasks} tasks in ${info.warmup.seconds.toFixed(3)} s${info.gcAvailable ? '' : ' · no GC control: heap figures unavailable'}`);
      out(`${'batch'.padStart(5)} ${'tasks'.padStart(9)} ${'submit s'.padStart(10)} ${'seconds'.padStart(10)} ${'tasks/s'.padStart(10)} ${'retained B/task'.padStart(16)}`);
    },
    onBatch: (b, i) => {
      const retained = b.retainedBytesPerTask === undefined ? '—' : b.retainedBytesPerTask.toFixed(1);
      out(`${String(i + 1).padStart(5)} ${String(b.tasks).padStart(9)} ${b.submitSeconds.toFixed(3).padStart(10)} ${b.seconds.toFixed(3).padStart(10)} ${b.tasksPerSecond.toFixed(0).padStart(10)} ${retained.padStart(16)}`);
    },
  });
  if (options.json) {
    out(JSON.stringify(report, null, 2));
    return;
  }
  const last = report.batches[report.batches.length - 1]!;
  out(report.stopReason === 'time'
    ? `stopped: a batch of ${last.tasks} tasks took ${last.seconds.toFixed(2)} s (> --time ${options.time})`
    : `stopped: reached --max ${options.max}`);
  const best = report.batches.reduce((a, b) => (b.tasksPerSecond > a.tasksPerSecond ? b : a));
  out(`best: ${best.tasksPerSecond.toFixed(0)} tasks/s (batch of ${best.tasks})`);
  if (report.latency) {
    const l = report.latency;
    out(`single-task round trip (${l.samples} in a row): p50 ${l.p50Ms.toFixed(3)} ms · p90 ${l.p90Ms.toFixed(3)} ms · p99 ${l.p99Ms.toFixed(3)} ms · min ${l.minMs.toFixed(3)} ms`);
  }
  out(`peak RSS: ${formatBytes(report.peakRssBytes)} (kernel high-water mark ${formatBytes(report.maxRssBytes)}) · peak main-thread heap: ${formatBytes(report.peakHeapUsedBytes)}`);
  if (report.heapUsedAfterGcBytes !== undefined) out(`heap used after GC: ${formatBytes(report.heapUsedAfterGcBytes)}`);
  if (report.retainedBytesPerTask !== undefined) {
    out(`retained per completed task: ${report.retainedBytesPerTask.toFixed(1)} bytes (largest batch, ${Math.max(...report.batches.map((b) => b.tasks))} tasks, futures dropped, after full GC)`);
  }
  out(`run directory: ${report.runDir}`);
}
