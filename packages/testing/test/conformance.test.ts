/**
 * The executor conformance suite run on a minimal in-process executor: proves that the suite
 * itself works, and that capabilities declared `false` skip their tests visibly.
 */
import { runExecutorConformance } from '../dist/index.js';
import { InProcessExecutor } from './InProcessExecutor.js';

runExecutorConformance({
  name: 'in-process (self-test)',
  createExecutors: () => [new InProcessExecutor('a'), new InProcessExecutor('b')],
  capabilities: { walltime: false, workerLoss: false },
});
