import type { TaskOutcomeReceiver } from '@parsl-ts/core';

/** What a task with a walltime needs for its AppTimeout error. */
interface Timed {
  readonly appName: string;
  readonly walltimeSeconds: number;
}

/**
 * The tasks an executor has sent and not heard back about: for each, its current try and where its
 * outcome goes.
 *
 * Why not one object per task: the submit side holds this for every outstanding task (100,000
 * queued tasks must fit in about 1 KiB each, futures included). The DataFlowKernel passes the same
 * receiver for every task, so the common case stores one number per task (the try, in a Map whose
 * numbers need no object); only tasks with their own receiver (`submit()`) or a walltime cost more.
 */
export class PendingTasks {
  private readonly tries = new Map<number, number>();
  /** The receiver most tasks share (the first one seen). */
  private common: TaskOutcomeReceiver | undefined;
  /** Tasks whose receiver is not the common one. */
  private readonly own = new Map<number, TaskOutcomeReceiver>();
  /** Tasks with a walltime. */
  private readonly timed = new Map<number, Timed>();

  /** Tasks pending. */
  get size(): number {
    return this.tries.size;
  }

  /** Remember task `id` at try `tryNumber`, replacing an earlier try of it. */
  add(id: number, tryNumber: number, receiver: TaskOutcomeReceiver, appName: string, walltimeSeconds: number): void {
    this.common ??= receiver;
    this.tries.set(id, tryNumber);
    // A retry may change a task's receiver or walltime; the size checks keep a first try (the hot
    // path, with both maps usually empty) free of useless deletes.
    if (receiver !== this.common) this.own.set(id, receiver);
    else if (this.own.size > 0) this.own.delete(id);
    if (walltimeSeconds > 0) this.timed.set(id, { appName, walltimeSeconds });
    else if (this.timed.size > 0) this.timed.delete(id);
  }

  /** Whether task `id` is pending at try `tryNumber` (a result of another try is stale). */
  has(id: number, tryNumber: number): boolean {
    return this.tries.get(id) === tryNumber;
  }

  /** The app name and walltime of a pending task that has one. */
  walltimeOf(id: number): Timed | undefined {
    return this.timed.get(id);
  }

  /** Forget task `id` at try `tryNumber` and return its receiver; undefined if not pending at that try. */
  take(id: number, tryNumber: number): TaskOutcomeReceiver | undefined {
    if (this.tries.get(id) !== tryNumber) return undefined;
    this.tries.delete(id);
    this.timed.delete(id);
    const own = this.own.get(id);
    if (own === undefined) return this.common;
    this.own.delete(id);
    return own;
  }

  /** Fail every pending task with the error `reasonFor` makes, and forget them all. */
  failAll(reasonFor: (id: number) => unknown): void {
    const all = [...this.tries];
    const own = new Map(this.own);
    this.tries.clear();
    this.own.clear();
    this.timed.clear();
    for (const [id, tryNumber] of all) (own.get(id) ?? this.common)!.taskFailed(id, tryNumber, reasonFor(id));
  }
}
