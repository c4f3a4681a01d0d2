/**
 * The executor conformance suite of @parsl-ts/testing, run against the TaskVineExecutor with the
 * Work Queue backend: two executors (labels `a` and `b`), each with one LocalProvider block that
 * runs one real work_queue_worker (two cores) toward its own manager.
 */
import { runExecutorConformance } from '@parsl-ts/testing';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';

runExecutorConformance({
  name: 'executor-taskvine (workqueue)',
  createExecutors: () => ['a', 'b'].map((label) => new TaskVineExecutor({
    label, backend: 'workqueue', workerCores: 2, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  })),
  capabilities: {
    bash: true, bashWalltime: true, walltime: true, workerLoss: true, byReference: true,
    largeArguments: true, manyTasks: true, multipleExecutors: true,
  },
  // 10,000 tasks through the manager take about 50 s here (200–300 tasks/s on two executors):
  // room for a loaded CI machine.
  testTimeoutMs: 240_000,
});
