import { describe, expect, it } from 'vitest';
import { formatDuration, formatPlainLine, formatRate, formatSummary, formatTtyLine, visibleLength } from '../src/progress/format.js';
import { STATE_ORDER, type ProgressSnapshot } from '../src/progress/RunTracker.js';

function snapshot(counts: Record<string, number>, extra: Partial<ProgressSnapshot> = {}): ProgressSnapshot {
  const get = (k: string): number => counts[k] ?? 0;
  const succeeded = get('exec_done') + get('memo_done');
  const failed = get('failed') + get('dep_fail');
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    label: 'runinfo/000', states: STATE_ORDER.map((s) => [s, get(s)] as const), total, done: succeeded + failed, succeeded, failed,
    active: get('launched') + get('running'), elapsedMs: 2500, rate: 40, averageRate: 38.5, ...extra,
  };
}

describe('progress text', () => {
  it('formats durations and rates', () => {
    expect(formatDuration(3400)).toBe('3.4s');
    expect(formatDuration(125_000)).toBe('2:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatRate(0)).toBe('0.0');
    expect(formatRate(12.345)).toBe('12.35');
    expect(formatRate(123.45)).toBe('123.5');
    expect(formatRate(12345.6)).toBe('12346');
  });

  it('writes the plain line with every state that has tasks, in life order', () => {
    const line = formatPlainLine(snapshot({ pending: 70, running: 2, exec_done: 118, failed: 2 }));
    expect(line).toBe('parsl-ts: runinfo/000 [2.5s] 120/192 done | pending=70 running=2 exec_done=118 failed=2 | 40.00 tasks/s');
  });

  it('summarizes a finished run, an unfinished one, and names the first failure', () => {
    expect(formatSummary(snapshot({ exec_done: 10 }))).toBe('parsl-ts: runinfo/000 finished: 10 tasks in 2.5s (38.50 tasks/s) | exec_done=10');
    expect(formatSummary(snapshot({ running: 1, exec_done: 9 }))).toMatch(/^parsl-ts: runinfo\/000 ended with 1 of 10 tasks unfinished after 2.5s/);
    const failed = formatSummary(snapshot({ exec_done: 1, dep_fail: 1 }, { firstFailure: { taskId: 3, appName: 'f', message: '[PARSL_BASH_EXIT] boom' } }));
    expect(failed.split('\n')[1]).toBe('parsl-ts: first failure: task 3 (f): [PARSL_BASH_EXIT] boom');
    expect(formatSummary(snapshot({ exec_done: 1 }, { elapsedMs: 10 }))).toBe('parsl-ts: runinfo/000 finished: 1 tasks | exec_done=1');
  });

  it('fits the terminal line into the width, shrinking the bar and then dropping parts', () => {
    const s = snapshot({ pending: 50, launched: 10, running: 2, exec_done: 130, failed: 8 });
    for (const columns of [200, 100, 60, 40, 20]) {
      const line = formatTtyLine(s, { columns, color: true, frame: 0 });
      expect(visibleLength(line)).toBeLessThan(columns);
    }
    const wide = formatTtyLine(s, { columns: 200, color: false, frame: 0 });
    expect(wide).toMatch(/^⠋ parsl-ts ▕█+▒*░*▏ 138\/200  69% │ pending 50 · launched 10 · running 2 · failed 8 │ 40.00 tasks\/s │ 2.5s$/);
    expect(wide.match(/▕(.*)▏/)![1]).toHaveLength(30);
    const narrow = formatTtyLine(s, { columns: 40, color: false, frame: 1 });
    expect(narrow).not.toContain('▕');
    expect(narrow).toContain('138/200');
    const colored = formatTtyLine(s, { columns: 120, color: true, frame: 0 });
    expect(colored).toContain('\x1b[31mfailed 8\x1b[0m');
  });
});
