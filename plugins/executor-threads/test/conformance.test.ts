/**
 * The executor conformance suite of @parsl-ts/testing, run against the thread pool. Two pools of
 * two threads (labels `a` and `b`), the default serializer (msgpack, a devDependency).
 */
import { runExecutorConformance } from '@parsl-ts/testing';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';

runExecutorConformance({
  name: 'executor-threads',
  createExecutors: () => [
    new ThreadPoolExecutor({ label: 'a', maxThreads: 2 }),
    new ThreadPoolExecutor({ label: 'b', maxThreads: 2 }),
  ],
  capabilities: {
    bash: true, bashWalltime: true, walltime: true, workerLoss: true, byReference: true,
    largeArguments: true, manyTasks: true, multipleExecutors: true,
  },
});
