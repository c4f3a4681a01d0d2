import type { Executor, ExecutorContext, ExecutorTask, TaskOutcomeReceiver } from '../../src/index.js';
import { executeTask } from '../../src/worker.js';

/**
 * A real, minimal executor that runs tasks in this process through core's own worker code
 * (`executeTask`). It lets the DataFlowKernel's logic be tested without threads; executor
 * behaviour itself is tested by each executor package with the @parsl-ts/testing suite.
 */
export class InProcessExecutor implements Executor {
  readonly kind = 'in-process';
  outstanding = 0;
  readonly submitted: ExecutorTask[] = [];
  private context: ExecutorContext | undefined;
  stopped = false;

  constructor(readonly label = 'inproc') {}

  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
  }

  async submit(task: ExecutorTask): Promise<unknown> {
    this.submitted.push(task);
    this.outstanding++;
    try {
      await Promise.resolve();
      this.context!.taskRunning(task.id);
      // Round-trip through the serializer, as a real executor would.
      const wire = this.context!.serializer.deserialize(this.context!.serializer.serialize(task)) as ExecutorTask;
      return await executeTask(wire);
    } finally {
      this.outstanding--;
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
  }
}

/**
 * The same executor through the `submitTask` fast path: outcomes go to the DataFlowKernel's
 * receiver. `duplicateOutcomes` reports every outcome a second time, for a stale try (the
 * DataFlowKernel must ignore reports for a try it has retried).
 */
export class ReceiverExecutor extends InProcessExecutor {
  submitTaskCalls = 0;
  duplicateOutcomes = false;

  submitTask(task: ExecutorTask, receiver: TaskOutcomeReceiver): void {
    this.submitTaskCalls++;
    this.submit(task).then((value) => {
      receiver.taskSucceeded(task.id, task.try, value);
      if (this.duplicateOutcomes) receiver.taskFailed(task.id, task.try, new Error('late duplicate'));
    }, (error: unknown) => {
      receiver.taskFailed(task.id, task.try, error);
      if (this.duplicateOutcomes) receiver.taskSucceeded(task.id, task.try, 'stale success');
    });
  }
}
