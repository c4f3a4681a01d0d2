/**
 * Text for progress displays: the plain periodic line, the final summary and the redrawn
 * terminal line with its bar. Pure functions of a {@link ProgressSnapshot}.
 *
 * @module
 */
import type { ProgressSnapshot } from './RunTracker.js';
import { FAILURE_STATES } from './RunTracker.js';

/**
 * Seconds as `3.4s`, `2:05` or `1:02:05`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatDuration(125_000); // '2:05'
 * ```
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.floor(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * A rate in tasks per second with a sensible number of digits.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatRate(12345.6); // '12346'
 * ```
 */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0.0';
  return rate >= 1000 ? rate.toFixed(0) : rate >= 100 ? rate.toFixed(1) : rate.toFixed(2);
}

/** The non-zero states as `name=count`, in the order of a task's life. */
function stateList(snapshot: ProgressSnapshot, separator: string, empty: string): string {
  const parts = snapshot.states.filter(([, n]) => n > 0).map(([s, n]) => `${s}${separator}${n}`);
  return parts.length > 0 ? parts.join(' ') : empty;
}

/**
 * The line printed every `--progress-interval` seconds when stderr is not a terminal.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatPlainLine(snapshot);
 * // 'parsl-ts: runinfo/000 [2.0s] 120/200 done | pending=70 running=10 exec_done=118 failed=2 | 58.20 tasks/s'
 * ```
 */
export function formatPlainLine(snapshot: ProgressSnapshot): string {
  return `parsl-ts: ${snapshot.label} [${formatDuration(snapshot.elapsedMs)}] ${snapshot.done}/${snapshot.total} done | ` +
    `${stateList(snapshot, '=', 'no tasks yet')} | ${formatRate(snapshot.rate)} tasks/s`;
}

/**
 * The summary printed when a run ends (its DataFlowKernel was cleaned up, or the process exits),
 * plus a second line naming the first failure, if any.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatSummary(snapshot);
 * // 'parsl-ts: runinfo/000 finished: 200 tasks in 3.1s (64.52 tasks/s) | exec_done=198 failed=2'
 * ```
 */
export function formatSummary(snapshot: ProgressSnapshot): string {
  const unfinished = snapshot.total - snapshot.done;
  // A run that was only seen as it ended (it lasted less than one poll): no meaningful time or rate.
  const seenLive = snapshot.elapsedMs >= 100;
  const head = !seenLive
    ? `parsl-ts: ${snapshot.label} ${unfinished > 0 ? `ended with ${unfinished} of ${snapshot.total} tasks unfinished` : `finished: ${snapshot.total} tasks`}`
    : unfinished > 0
    ? `parsl-ts: ${snapshot.label} ended with ${unfinished} of ${snapshot.total} tasks unfinished after ${formatDuration(snapshot.elapsedMs)}`
    : `parsl-ts: ${snapshot.label} finished: ${snapshot.total} tasks in ${formatDuration(snapshot.elapsedMs)} (${formatRate(snapshot.averageRate)} tasks/s)`;
  const lines = [`${head} | ${stateList(snapshot, '=', 'no tasks')}`];
  if (snapshot.firstFailure) {
    const f = snapshot.firstFailure;
    lines.push(`parsl-ts: first failure: task ${f.taskId} (${f.appName}): ${f.message}`);
  }
  return lines.join('\n');
}

/** ANSI styling, or none. */
interface Style {
  (code: string, text: string): string;
}

/**
 * The length of a text as the terminal shows it (ANSI escape sequences do not count).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * visibleLength('\x1b[32mok\x1b[0m'); // 2
 * ```
 */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').length;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The one-line terminal display: spinner, bar, done/total, percentage, the states with tasks,
 * rate and elapsed time, fitted into `columns` (the bar shrinks, then less important parts go).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatTtyLine(snapshot, { columns: 100, color: true, frame: 3 });
 * // '⠸ parsl-ts ▕█████░░░░░▏ 120/200  60% │ running 2 · pending 70 · failed 2 │ 58.2 tasks/s │ 2.0s'
 * ```
 */
export function formatTtyLine(snapshot: ProgressSnapshot, options: { columns: number; color: boolean; frame: number; extraRuns?: number }): string {
  const style: Style = options.color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
  const columns = Math.max(20, options.columns);
  const { total, done, succeeded, failed } = snapshot;
  const pct = total > 0 ? Math.floor((done * 100) / total) : 0;
  const spinner = style('36', SPINNER[options.frame % SPINNER.length]!);
  const counts = `${done}/${total} ${String(pct).padStart(3)}%`;
  const stateParts = snapshot.states
    .filter(([s, n]) => n > 0 && !['exec_done', 'memo_done'].includes(s))
    .map(([s, n]) => (FAILURE_STATES.includes(s) ? style('31', `${s} ${n}`) : `${s} ${n}`));
  const states = stateParts.join(style('2', ' · '));
  const rate = `${formatRate(snapshot.rate)} tasks/s`;
  const elapsed = formatDuration(snapshot.elapsedMs);
  const more = options.extraRuns ? style('2', `(+${options.extraRuns} run${options.extraRuns > 1 ? 's' : ''})`) : '';
  const sep = style('2', ' │ ');

  const bar = (width: number): string => {
    if (width <= 0) return '';
    const cells = (n: number): number => (total > 0 ? Math.floor((n * width) / total) : 0);
    const ok = cells(succeeded);
    const bad = Math.min(width - ok, cells(failed) || (failed > 0 ? 1 : 0));
    const active = Math.min(width - ok - bad, cells(snapshot.active));
    const rest = width - ok - bad - active;
    return `▕${style('32', '█'.repeat(ok))}${style('31', '█'.repeat(bad))}${style('33', '▒'.repeat(active))}${style('2', '░'.repeat(rest))}▏`;
  };

  const assemble = (barWidth: number, withStates: boolean, withRate: boolean): string => {
    const parts = [`${spinner} parsl-ts`];
    if (barWidth > 0) parts.push(bar(barWidth));
    parts.push(counts);
    let line = parts.join(' ');
    if (withStates && states) line += sep + states;
    if (withRate) line += sep + rate;
    line += sep + elapsed;
    if (more) line += ` ${more}`;
    return line;
  };

  const limit = columns - 1; // never write into the last column: some terminals wrap there
  for (const [withStates, withRate] of [[true, true], [false, true], [false, false]] as const) {
    const fixed = visibleLength(assemble(0, withStates, withRate));
    const room = limit - fixed - 3; // the bar's borders and a space
    if (room >= 10) return assemble(Math.min(30, room), withStates, withRate);
    if (fixed <= limit) return assemble(0, withStates, withRate);
  }
  // A very narrow terminal: plain text, cut.
  const plain = `parsl-ts ${counts} ${elapsed}`;
  return plain.slice(0, limit);
}
