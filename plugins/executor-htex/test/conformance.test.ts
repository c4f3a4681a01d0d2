/**
 * The executor conformance suite of @parsl-ts/testing, run against the HighThroughputExecutor with
 * a LocalProvider: two executors (labels `a` and `b`), each one block of two worker processes.
 */
import { runExecutorConformance } from '@parsl-ts/testing';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';

runExecutorConformance({
  name: 'executor-htex',
  createExecutors: () => ['a', 'b'].map((label) => new HighThroughputExecutor({
    label, maxWorkersPerNode: 2, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  })),
  capabilities: {
    bash: true, bashWalltime: true, walltime: true, workerLoss: true, byReference: true,
    largeArguments: true, manyTasks: true, multipleExecutors: true,
  },
});
