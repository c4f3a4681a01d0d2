import { hostname } from 'node:os';
import type { MonitoringRecord } from '@parsl-ts/core';
import { sampleProcessTree, usageSince, type TreeUsage } from '@parsl-ts/core/worker';

/** What a worker process tells its manager when a task starts (monitoring on). */
export interface TaskStarted {
  readonly t: 'started';
  readonly id: number;
  readonly tryNumber: number;
  /** Worker clock, ms. */
  readonly time: number;
  /** The worker's usage when the task started (resource monitoring on). */
  readonly base?: TreeUsage;
}

interface Running {
  readonly pid: number;
  readonly id: number;
  readonly tryNumber: number;
  readonly base: TreeUsage | undefined;
}

/**
 * The monitoring side of a worker pool (when the executor's config has monitoring): turns the
 * workers' start and end reports into `try` records, samples the process tree of every worker
 * that runs a task every `intervalSeconds` (`resource` records), and keeps the records until the
 * pool sends them to the interchange with its next results or heartbeat. Records carry no run id
 * or executor label: the executor fills them in.
 */
export class PoolMonitor {
  private records: MonitoringRecord[] = [];
  private readonly running = new Map<number, Running>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly host = hostname();

  constructor(private readonly blockId: string, private readonly managerId: string, intervalSeconds: number,
    private readonly onRecords: () => void) {
    if (intervalSeconds > 0) {
      this.timer = setInterval(() => this.sample(), intervalSeconds * 1000);
      this.timer.unref();
    }
  }

  /** A worker (by pid) started a task. */
  started(pid: number, message: TaskStarted): void {
    this.running.set(pid, { pid, id: message.id, tryNumber: message.tryNumber, base: message.base });
    this.push({
      kind: 'try', runId: '', time: message.time, taskId: message.id, tryId: message.tryNumber, executor: '',
      started: message.time, host: this.host, blockId: this.blockId, managerId: this.managerId,
    });
  }

  /** Records a worker sent with its results: the end reports of the tasks it finished. */
  ended(pid: number, records: readonly MonitoringRecord[]): void {
    for (const record of records) {
      // The worker may have started its next task already (its start report came first).
      const run = this.running.get(pid);
      if (record.kind === 'try' && run && run.id === record.taskId && run.tryNumber === record.tryId) this.running.delete(pid);
      this.push(record);
    }
  }

  /** A worker process exited: stop sampling it. */
  workerExited(pid: number): void {
    this.running.delete(pid);
  }

  /** Records to send now (and forget). */
  take(): MonitoringRecord[] | undefined {
    if (this.records.length === 0) return undefined;
    const records = this.records;
    this.records = [];
    return records;
  }

  /** Stop sampling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const time = Date.now();
    for (const run of this.running.values()) {
      const usage = sampleProcessTree(run.pid);
      if (!usage) continue;
      this.push({ kind: 'resource', runId: '', time, taskId: run.id, tryId: run.tryNumber, pid: run.pid, ...usageSince(usage, run.base) });
    }
  }

  private push(record: MonitoringRecord): void {
    this.records.push(record);
    this.onRecords();
  }
}

/**
 * The worker process's side: what it reports when a task starts and ends (monitoring on). With
 * `resources`, it reads its own usage at both ends, so every try has at least one sample, taken
 * when it ended, with exact CPU and I/O differences (children it waited for included).
 */
export class WorkerReports {
  private base: TreeUsage | undefined;
  private startedAt = 0;

  constructor(private readonly resources: boolean) {}

  /** The message to send the manager as the task starts. */
  start(id: number, tryNumber: number): TaskStarted {
    this.startedAt = Date.now();
    this.base = this.resources ? sampleProcessTree(process.pid) : undefined;
    return { t: 'started', id, tryNumber, time: this.startedAt, ...(this.base ? { base: this.base } : {}) };
  }

  /** The records to send with the task's result. */
  end(id: number, tryNumber: number): MonitoringRecord[] {
    const time = Date.now();
    const records: MonitoringRecord[] = [{ kind: 'try', runId: '', time, taskId: id, tryId: tryNumber, executor: '', ended: time }];
    const usage = this.resources ? sampleProcessTree(process.pid) : undefined;
    if (usage) records.push({ kind: 'resource', runId: '', time, taskId: id, tryId: tryNumber, pid: process.pid, ...usageSince(usage, this.base) });
    return records;
  }
}
