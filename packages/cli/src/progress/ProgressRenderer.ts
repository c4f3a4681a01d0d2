/**
 * The two progress displays of `parsl-ts run`: a single redrawn line on a terminal, and plain
 * periodic lines otherwise. Both write to stderr, so the workflow's stdout stays clean.
 *
 * @module
 */
import { formatPlainLine, formatSummary, formatTtyLine } from './format.js';
import type { ProgressSnapshot, RunTracker } from './RunTracker.js';

/**
 * Draws progress. The watcher calls {@link ProgressRenderer.render} about ten times a second
 * with the runs still going, {@link ProgressRenderer.summary} once per finished run and
 * {@link ProgressRenderer.close} at the end.
 *
 * @since 0.1.0
 */
export interface ProgressRenderer {
  /** Show the progress of the runs still going (newest last). */
  render(trackers: readonly RunTracker[], now: number): void;
  /** Print the final summary of a run. */
  summary(snapshot: ProgressSnapshot): void;
  /** Remove anything temporary from the screen and restore patched streams. */
  close(): void;
}

/**
 * Where a renderer writes its text.
 *
 * @since 0.1.0
 */
export type Write = (text: string) => void;

/**
 * Plain lines on a stream that is not a terminal (a CI log, a file): one line per run every
 * `intervalMs`, and a summary per run.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const renderer = new PlainProgressRenderer({ intervalMs: 5000 });
 * ```
 */
export class PlainProgressRenderer implements ProgressRenderer {
  private readonly intervalMs: number;
  private readonly write: Write;
  private readonly lastPrint = new WeakMap<RunTracker, number>();

  constructor(options: { intervalMs: number; write?: Write }) {
    this.intervalMs = options.intervalMs;
    this.write = options.write ?? ((text) => { process.stderr.write(text); });
  }

  /** @inheritDoc */
  render(trackers: readonly RunTracker[], now: number): void {
    for (const tracker of trackers) {
      const last = this.lastPrint.get(tracker) ?? tracker.startedAt;
      if (now - last < this.intervalMs) continue;
      this.lastPrint.set(tracker, now);
      this.write(`${formatPlainLine(tracker.snapshot())}\n`);
    }
  }

  /** @inheritDoc */
  summary(snapshot: ProgressSnapshot): void {
    this.write(`${formatSummary(snapshot)}\n`);
  }

  /** @inheritDoc */
  close(): void {}
}

/**
 * One line on a terminal, redrawn in place (`\r` and clear-line) at most ten times a second.
 * While the line is shown, writes of the workflow to stdout and stderr first clear it, so output
 * and progress never mix; the line comes back at the next redraw.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const renderer = new TtyProgressRenderer({ stream: process.stderr });
 * ```
 */
export class TtyProgressRenderer implements ProgressRenderer {
  private readonly stream: NodeJS.WriteStream;
  private readonly rawWrite: Write;
  private readonly color: boolean;
  private readonly restores: (() => void)[] = [];
  private lineVisible = false;
  private midLine = false;
  private frame = 0;
  private closed = false;

  constructor(options: { stream?: NodeJS.WriteStream; color?: boolean; interceptOutput?: boolean } = {}) {
    this.stream = options.stream ?? process.stderr;
    const original = this.stream.write;
    this.rawWrite = (text) => { original.call(this.stream, text); };
    this.color = options.color ?? (process.env.NO_COLOR === undefined || process.env.NO_COLOR === '');
    if (options.interceptOutput ?? true) {
      this.intercept(this.stream);
      if (process.stdout !== this.stream && process.stdout.isTTY) this.intercept(process.stdout);
    }
  }

  /** @inheritDoc */
  render(trackers: readonly RunTracker[]): void {
    if (this.closed || this.midLine) return;
    const newest = trackers[trackers.length - 1];
    if (!newest) {
      this.hide();
      return;
    }
    const line = formatTtyLine(newest.snapshot(), {
      columns: this.stream.columns || 100, color: this.color, frame: this.frame++, extraRuns: trackers.length - 1,
    });
    this.rawWrite(`\r\x1b[2K${line}`);
    this.lineVisible = true;
  }

  /** @inheritDoc */
  summary(snapshot: ProgressSnapshot): void {
    this.hide();
    this.rawWrite(`${formatSummary(snapshot)}\n`);
  }

  /** @inheritDoc */
  close(): void {
    if (this.closed) return;
    this.hide();
    this.closed = true;
    for (const restore of this.restores.splice(0)) restore();
  }

  private hide(): void {
    if (!this.lineVisible) return;
    this.rawWrite('\r\x1b[2K');
    this.lineVisible = false;
  }

  private intercept(stream: NodeJS.WriteStream): void {
    const original = stream.write;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const renderer = this;
    const patched = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
      renderer.hide();
      const chunk = args[0];
      if (typeof chunk === 'string' && chunk.length > 0) renderer.midLine = !chunk.endsWith('\n');
      else if (chunk instanceof Uint8Array && chunk.length > 0) renderer.midLine = chunk[chunk.length - 1] !== 0x0a;
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    };
    stream.write = patched as typeof stream.write;
    this.restores.push(() => { if (stream.write === patched) stream.write = original; });
  }
}
