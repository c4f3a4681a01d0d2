/**
 * A config for `parsl-ts perf --config bench/taskvine.config.ts` (run from plugins/executor-taskvine):
 * the TaskVineExecutor (Work Queue backend) with a LocalProvider, one block whose worker offers two
 * cores next to its runner pool. Compare with ../executor-htex/bench/htex.config.ts.
 */
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';

export default {
  executors: [new TaskVineExecutor({
    label: 'taskvine', backend: 'workqueue', workerCores: 2,
    provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  })],
};
