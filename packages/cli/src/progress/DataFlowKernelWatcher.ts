/**
 * Finds the DataFlowKernels a workflow loads and drives a progress renderer. The workflow calls
 * `loadConfig()` itself, whenever it likes (at the top of the module, later, several times in a
 * row), so the watcher polls for the current DataFlowKernel every 100 ms, follows each one it
 * sees, and prints a run's summary once it is no longer current and has no unfinished tasks (or
 * when the process exits). Its timer never keeps the process alive.
 *
 * @module
 */
import type { ProgressRenderer } from './ProgressRenderer.js';
import { RunTracker, type WatchedDataFlowKernel } from './RunTracker.js';

/**
 * Options of a {@link DataFlowKernelWatcher}.
 *
 * @since 0.1.0
 */
export interface DataFlowKernelWatcherOptions {
  /** Returns the current DataFlowKernel, or undefined when none is loaded. */
  readonly find: () => WatchedDataFlowKernel | undefined;
  /** Where progress goes. */
  readonly renderer: ProgressRenderer;
  /** Poll and redraw period in ms. Default 100 (so at most 10 redraws a second). */
  readonly pollMs?: number;
  /** Run directories are shown relative to this folder. Default: the working directory. */
  readonly cwd?: string;
}

/**
 * Follows the DataFlowKernels of a workflow and renders their progress.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const watcher = new DataFlowKernelWatcher({
 *   find: () => { try { return core.currentDataFlowKernel() as never; } catch { return undefined; } },
 *   renderer: new PlainProgressRenderer({ intervalMs: 5000 }),
 * });
 * watcher.start();
 * process.on('exit', () => watcher.stop());
 * ```
 */
export class DataFlowKernelWatcher {
  private readonly options: DataFlowKernelWatcherOptions;
  private readonly trackers: RunTracker[] = [];
  private readonly seen = new WeakSet<object>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: DataFlowKernelWatcherOptions) {
    this.options = options;
  }

  /** Start polling (the timer is unref'd). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 100);
    this.timer.unref();
  }

  /** Look for a new DataFlowKernel, finish runs that ended, and redraw. */
  tick(): void {
    if (this.stopped) return;
    let current: WatchedDataFlowKernel | undefined;
    try {
      current = this.options.find();
    } catch {
      current = undefined;
    }
    if (current && isWatchable(current) && !this.seen.has(current)) {
      this.seen.add(current);
      this.trackers.push(new RunTracker(current, this.options.cwd === undefined ? {} : { cwd: this.options.cwd }));
    }
    for (const tracker of [...this.trackers]) {
      if (tracker.dfk !== current && tracker.dfk.pendingTasks === 0) this.finish(tracker);
    }
    this.options.renderer.render(this.trackers, performance.now());
  }

  /** Runs being followed (not finished yet). */
  get active(): readonly RunTracker[] {
    return this.trackers;
  }

  /**
   * Stop: print the summary of every run still followed and close the renderer. Synchronous, so
   * it can run in a process `exit` handler. Safe to call twice.
   */
  stop(): void {
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // One last look, so a run loaded since the last poll still gets its summary.
    this.tick();
    this.stopped = true;
    for (const tracker of [...this.trackers]) this.finish(tracker);
    this.options.renderer.close();
  }

  private finish(tracker: RunTracker): void {
    const i = this.trackers.indexOf(tracker);
    if (i >= 0) this.trackers.splice(i, 1);
    this.options.renderer.summary(tracker.finish());
  }
}

function isWatchable(value: unknown): value is WatchedDataFlowKernel {
  const v = value as Partial<WatchedDataFlowKernel>;
  return typeof v === 'object' && v !== null && typeof v.counts === 'function' && typeof v.onTaskEvent === 'function';
}
