/**
 * A config for `parsl-ts perf --config bench/htex.config.ts` (run from plugins/executor-htex):
 * HTEX with a LocalProvider, one block of two workers.
 */
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';

export default {
  executors: [new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 2, prefetchCapacity: 256,
    provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  })],
};
