import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  JobState, type BlockScalingExecutor, type ExecutionProvider, type ExecutorContext, type ExecutorTask, type JobStatus,
  type Launcher, type Logger, type MonitoringRadio, type MonitoringRecord,
} from '../../src/index.js';
import type { BlockFailuresError } from '../../src/scaling/BlockFailuresError.js';
import { idleLongEnough } from '../../src/scaling/idleLongEnough.js';

interface Job {
  readonly child: ChildProcess;
  state: 'pending' | 'running' | 'exited';
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  error?: string;
  cancelled: boolean;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly exited: Promise<void>;
}

/** Settings of a {@link SleepProvider}; the scaling knobs of ExecutionProvider. */
export interface SleepProviderOptions {
  initBlocks?: number;
  minBlocks?: number;
  maxBlocks?: number;
  parallelism?: number;
  statusPollingInterval?: number;
}

/**
 * A real provider on this machine: each block is a child process running the worker command under
 * `sh -c` (the test executor's command is `exec sleep ...`), in its own process group, with stdout
 * and stderr in files. `status` reports what the processes really did.
 */
export class SleepProvider implements ExecutionProvider {
  readonly label = 'sleep';
  readonly launcher: Launcher = { name: 'single', wrap: (command) => command };
  readonly nodesPerBlock = 1;
  initBlocks: number;
  minBlocks: number;
  maxBlocks: number;
  parallelism: number;
  statusPollingInterval: number;
  /** When true, `status()` never answers (a hung scheduler). */
  hangStatus = false;
  /** When set, `submit()` rejects with this message. */
  failSubmit: string | undefined;
  statusCalls = 0;
  maxConcurrentStatus = 0;
  submitCalls = 0;
  readonly jobs = new Map<string, Job>();
  readonly dir = mkdtempSync(join(tmpdir(), 'parsl-scaling-'));
  private inStatus = 0;

  constructor(options: SleepProviderOptions = {}) {
    this.initBlocks = options.initBlocks ?? 0;
    this.minBlocks = options.minBlocks ?? 0;
    this.maxBlocks = options.maxBlocks ?? 10;
    this.parallelism = options.parallelism ?? 1;
    this.statusPollingInterval = options.statusPollingInterval ?? 0;
  }

  async submit(command: string, _tasksPerNode: number, jobName: string): Promise<string> {
    this.submitCalls++;
    if (this.failSubmit !== undefined) throw new Error(this.failSubmit);
    const stdoutPath = join(this.dir, `${jobName}.out`);
    const stderrPath = join(this.dir, `${jobName}.err`);
    const out = openSync(stdoutPath, 'w');
    const err = openSync(stderrPath, 'w');
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', command], { stdio: ['ignore', out, err], detached: true });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    let job!: Job;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => { job.state = 'exited'; job.exitCode = code; job.signal = signal; resolve(); });
      child.once('error', (e) => { job.state = 'exited'; job.error = e.message; resolve(); });
    });
    job = { child, state: 'pending', cancelled: false, stdoutPath, stderrPath, exited };
    await new Promise<void>((resolve) => {
      child.once('spawn', () => { if (job.state === 'pending') job.state = 'running'; resolve(); });
      child.once('error', () => resolve());
    });
    const jobId = String(child.pid ?? `failed-${this.submitCalls}`);
    this.jobs.set(jobId, job);
    return jobId;
  }

  async status(jobIds: readonly string[]): Promise<JobStatus[]> {
    this.statusCalls++;
    this.inStatus++;
    this.maxConcurrentStatus = Math.max(this.maxConcurrentStatus, this.inStatus);
    try {
      if (this.hangStatus) await new Promise(() => undefined);
      return jobIds.map((id) => this.statusOf(id));
    } finally {
      this.inStatus--;
    }
  }

  async cancel(jobIds: readonly string[]): Promise<boolean[]> {
    return Promise.all(jobIds.map(async (id) => {
      const job = this.jobs.get(id);
      if (!job) return false;
      if (job.state !== 'exited') {
        job.cancelled = true;
        signalGroup(job, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(job, 'SIGKILL'), 2000);
        await job.exited;
        clearTimeout(timer);
      }
      return true;
    }));
  }

  /** Kill a block behind the executor's back (a node crash). */
  kill(jobId: string, signal: NodeJS.Signals = 'SIGKILL'): void {
    const job = this.jobs.get(jobId);
    if (job) signalGroup(job, signal);
  }

  /** Job ids whose process has not exited. */
  alive(): string[] {
    return [...this.jobs].filter(([, job]) => job.state !== 'exited').map(([id]) => id);
  }

  /** Kill every process and remove the folder. */
  async destroy(): Promise<void> {
    for (const job of this.jobs.values()) if (job.state !== 'exited') signalGroup(job, 'SIGKILL');
    await Promise.all([...this.jobs.values()].map((job) => job.exited));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private statusOf(id: string): JobStatus {
    const job = this.jobs.get(id);
    if (!job) return { state: JobState.missing, message: `no job ${id}` };
    const paths = { stdoutPath: job.stdoutPath, stderrPath: job.stderrPath };
    if (job.state === 'pending') return { state: JobState.pending, ...paths };
    if (job.state === 'running') return { state: JobState.running, schedulerState: 'R', ...paths };
    if (job.cancelled) return { state: JobState.cancelled, schedulerState: 'CA', ...paths };
    if (job.error) return { state: JobState.failed, message: job.error, ...paths };
    if (job.exitCode === 0) return { state: JobState.completed, schedulerState: 'CD', exitCode: 0, ...paths };
    if (job.signal) return { state: JobState.failed, schedulerState: 'F', message: `killed by ${job.signal}`, ...paths };
    return { state: JobState.failed, schedulerState: 'F', exitCode: job.exitCode ?? -1, message: `exited with code ${job.exitCode}`, ...paths };
  }
}

function signalGroup(job: Job, signal: NodeJS.Signals): void {
  try {
    if (job.child.pid) process.kill(-job.child.pid, signal);
  } catch {
    // already gone
  }
}

interface Block {
  readonly jobId: string;
  readonly startedAt: number;
  lastBusy: number;
  scaledIn: boolean;
}

/** Settings of a {@link TestBlockExecutor}. */
export interface TestBlockExecutorOptions {
  label?: string;
  workersPerBlock?: number;
  maxIdleTime?: number;
  /** The worker command each block runs. Default: sleep for a minute. */
  command?: string;
}

/**
 * A real block-scaling executor without workers: blocks come from its provider, `outstanding` is
 * whatever the test sets, and a block is busy while the test says so (`setBusy`).
 */
export class TestBlockExecutor implements BlockScalingExecutor {
  readonly kind = 'test-blocks';
  readonly label: string;
  readonly workersPerBlock: number;
  readonly maxIdleTime: number | undefined;
  outstanding = 0;
  readonly blocks = new Map<string, Block>();
  readonly scaleOutCalls: number[] = [];
  readonly scaleInCalls: { blocks: number; maxIdleSeconds?: number }[] = [];
  readonly failedBlocks: string[] = [];
  badState: BlockFailuresError | undefined;
  private readonly command: string;
  private readonly busy = new Set<string>();
  private next = 0;

  constructor(readonly provider: SleepProvider, options: TestBlockExecutorOptions = {}) {
    this.label = options.label ?? 'blocks';
    this.workersPerBlock = options.workersPerBlock ?? 1;
    this.maxIdleTime = options.maxIdleTime;
    this.command = options.command ?? 'exec sleep 60';
  }

  async start(_context: ExecutorContext): Promise<void> {}

  async submit(_task: ExecutorTask): Promise<unknown> {
    throw new Error('TestBlockExecutor runs no tasks');
  }

  async shutdown(): Promise<void> {
    await this.provider.cancel(this.liveBlocks().map(([, b]) => b.jobId));
  }

  async scaleOut(blocks: number): Promise<string[]> {
    this.scaleOutCalls.push(blocks);
    const ids: string[] = [];
    for (let i = 0; i < blocks; i++) {
      const blockId = String(this.next++);
      const jobId = await this.provider.submit(this.command, this.workersPerBlock, `block-${blockId}`);
      this.blocks.set(blockId, { jobId, startedAt: Date.now(), lastBusy: 0, scaledIn: false });
      ids.push(blockId);
    }
    return ids;
  }

  async scaleIn(blocks: number, options?: { maxIdleSeconds?: number }): Promise<string[]> {
    this.scaleInCalls.push({ blocks, ...(options?.maxIdleSeconds !== undefined ? { maxIdleSeconds: options.maxIdleSeconds } : {}) });
    const idle = this.idleSeconds();
    const chosen = this.liveBlocks()
      .filter(([id]) => options?.maxIdleSeconds === undefined || idleLongEnough(idle.get(id), options.maxIdleSeconds))
      .sort(([a], [b]) => (idle.get(b) ?? 0) - (idle.get(a) ?? 0))
      .slice(0, blocks);
    for (const [, block] of chosen) block.scaledIn = true;
    await this.provider.cancel(chosen.map(([, b]) => b.jobId));
    return chosen.map(([id]) => id);
  }

  async blockStatus(): Promise<ReadonlyMap<string, JobStatus>> {
    const entries = [...this.blocks];
    const statuses = await this.provider.status(entries.map(([, b]) => b.jobId));
    return new Map(entries.map(([id, block], i) => [id, block.scaledIn ? { state: JobState.scaledIn } : statuses[i]!]));
  }

  idleSeconds(): ReadonlyMap<string, number> {
    const now = Date.now();
    return new Map(this.liveBlocks().map(([id, b]) => [id, this.busy.has(id) ? 0 : (now - Math.max(b.startedAt, b.lastBusy)) / 1000]));
  }

  /** Say whether a block is running tasks right now. */
  setBusy(blockId: string, busy: boolean): void {
    if (busy) this.busy.add(blockId);
    else if (this.busy.delete(blockId)) this.blocks.get(blockId)!.lastBusy = Date.now();
  }

  blockFailed(blockId: string): void {
    this.failedBlocks.push(blockId);
  }

  setBadState(error: BlockFailuresError): void {
    this.badState = error;
  }

  /** Blocks not scaled in whose process is alive. */
  liveBlocks(): [string, Block][] {
    const alive = new Set(this.provider.alive());
    return [...this.blocks].filter(([, b]) => !b.scaledIn && alive.has(b.jobId));
  }
}

/** A monitoring radio that keeps what it is sent. */
export function collectingRadio(): MonitoringRadio & { records: MonitoringRecord[] } {
  const records: MonitoringRecord[] = [];
  return { records, send: (r) => { records.push(r); }, close: async () => undefined };
}

/** A logger whose JSON lines are kept in memory. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  return { logger, lines };
}

/** Wait until `condition` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
