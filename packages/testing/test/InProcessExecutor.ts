import {
  TaskCancelled, type Executor, type ExecutorContext, type ExecutorTask,
} from '@parsl-ts/core';
import { executeTask, killRunningBashCommands } from '@parsl-ts/core/worker';

/**
 * A minimal executor that runs tasks in this process through core's worker code, with a round
 * trip through the serializer both ways (as a real executor's wire). Used to run the conformance
 * suite on itself: it cannot stop a running JS task (no walltime) and a worker crash would be the
 * test process's own (no workerLoss), which the suite must then skip visibly.
 */
export class InProcessExecutor implements Executor {
  readonly kind = 'in-process';
  private context: ExecutorContext | undefined;
  private readonly pending = new Map<number, (error: unknown) => void>();
  private stopped = false;

  constructor(readonly label: string) {}

  get outstanding(): number {
    return this.pending.size;
  }

  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
  }

  submit(task: ExecutorTask): Promise<unknown> {
    if (this.stopped || !this.context) return Promise.reject(new TaskCancelled(task.id, 'the executor is not running'));
    const { serializer } = this.context;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.id, reject);
      const settle = (ok: boolean, value: unknown): void => {
        if (!this.pending.delete(task.id)) return;
        try {
          const copy = serializer.deserialize(serializer.serialize(value));
          if (ok) resolve(copy);
          else reject(copy);
        } catch (error) {
          reject(error);
        }
      };
      setImmediate(() => {
        if (!this.pending.has(task.id)) return;
        this.context!.taskRunning(task.id);
        let wire: ExecutorTask;
        try {
          wire = serializer.deserialize(serializer.serialize(task)) as ExecutorTask;
        } catch (error) {
          settle(false, error);
          return;
        }
        executeTask(wire).then((value) => settle(true, value), (error: unknown) => settle(false, error));
      });
    });
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const [id, reject] of this.pending) reject(new TaskCancelled(id, 'the executor was shut down'));
    this.pending.clear();
    killRunningBashCommands();
  }
}
