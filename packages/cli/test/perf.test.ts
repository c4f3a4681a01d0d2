import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORE_VERSION, runCli, tempDir } from './helpers.js';

interface Report {
  coreVersion: string;
  executor: { kind: string; source: string; workers: number };
  batches: { tasks: number; seconds: number; tasksPerSecond: number; retainedBytesPerTask: number }[];
  stopReason: string;
  startup: { loadSeconds: number; firstResultSeconds: number };
  latency?: { samples: number; minMs: number; p50Ms: number; p90Ms: number; p99Ms: number };
  peakRssBytes: number;
  maxRssBytes: number;
  heapUsedAfterGcBytes: number;
  retainedBytesPerTask: number;
  gcAvailable: boolean;
  runDir: string;
}

describe('parsl-ts perf', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => { tmp.remove(); });

  it('--json prints one document with growing batches, throughput, peak RSS and retained bytes per task', async () => {
    const result = await runCli(['perf', '--workers', '2', '--start', '100', '--max', '400', '--latency', '50', '--json'], { cwd: tmp.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.coreVersion).toBe(CORE_VERSION);
    expect(report.executor).toMatchObject({ kind: 'threads', source: '@parsl-ts/executor-threads', workers: 2 });
    expect(report.batches.map((b) => b.tasks)).toEqual([100, 200, 400]);
    for (const batch of report.batches) {
      expect(batch.seconds).toBeGreaterThan(0);
      expect(batch.tasksPerSecond).toBeGreaterThan(0);
      expect(typeof batch.retainedBytesPerTask).toBe('number');
    }
    expect(report.stopReason).toBe('max');
    expect(report.startup.loadSeconds).toBeGreaterThan(0);
    expect(report.startup.firstResultSeconds).toBeGreaterThan(report.startup.loadSeconds);
    const latency = report.latency!;
    expect(latency.samples).toBe(50);
    expect(latency.minMs).toBeGreaterThan(0);
    expect(latency.minMs).toBeLessThanOrEqual(latency.p50Ms);
    expect(latency.p50Ms).toBeLessThanOrEqual(latency.p90Ms);
    expect(latency.p90Ms).toBeLessThanOrEqual(latency.p99Ms);
    expect(report.gcAvailable).toBe(true);
    expect(report.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(report.maxRssBytes).toBeGreaterThan(0);
    expect(report.heapUsedAfterGcBytes).toBeGreaterThan(0);
    expect(Number.isFinite(report.retainedBytesPerTask)).toBe(true);
    expect(report.runDir).toBe(join(tmp.dir, 'runinfo', '000'));
    expect(existsSync(join(report.runDir, 'parsl.log'))).toBe(true);
  });

  it('prints a table, and stops at the first batch slower than --time', async () => {
    const result = await runCli(['perf', '--workers', '1', '--start', '50', '--max', '100000', '--factor', '4', '--time', '0.000001'], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^parsl-ts perf: executor perf \(threads, @parsl-ts\/executor-threads, 1 worker\)/);
    expect(result.stdout).toMatch(/batch +tasks +submit s +seconds +tasks\/s +retained B\/task/);
    expect(result.stdout).toMatch(/\n +1 +50 +[\d.]+ +[\d.]+ +\d+ +-?[\d.]+\n/);
    expect(result.stdout).toContain('stopped: a batch of 50 tasks took');
    expect(result.stdout).toMatch(/peak RSS: [\d.]+ MiB/);
    expect(result.stdout).toMatch(/retained per completed task: -?[\d.]+ bytes/);
    expect(result.stdout).toMatch(/single-task round trip \(1000 in a row\): p50 [\d.]+ ms · p90 [\d.]+ ms · p99 [\d.]+ ms/);
  });

  it('rejects bad options with a coded error before starting anything', async () => {
    const result = await runCli(['perf', '--workers', '0'], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✗ [PARSL_CLI_BAD_OPTION] --workers must be a whole number >= 1, got 0');
    expect(result.stderr).toContain('  hint: ');
    const factor = await runCli(['perf', '--factor', '1'], { cwd: tmp.dir });
    expect(factor.stderr).toContain('[PARSL_CLI_BAD_OPTION] --factor must be a number > 1');
    const executor = await runCli(['perf', '--executor', 'gpu'], { cwd: tmp.dir });
    expect(executor.stderr).toContain('[PARSL_CLI_BAD_OPTION] --executor must be one of threads');
    const latency = await runCli(['perf', '--latency', '-1'], { cwd: tmp.dir });
    expect(latency.stderr).toContain('[PARSL_CLI_BAD_OPTION] --latency must be a whole number >= 0, got -1');
    expect(existsSync(join(tmp.dir, 'runinfo'))).toBe(false);
  });
});
