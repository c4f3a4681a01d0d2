import { defineConfig } from 'vitest/config';

// The tests run real cctools processes (the Python sidecar hosting the Work Queue manager,
// work_queue_worker) and, for the Slurm test, the local cluster of tools/dev-cluster, which the
// globalSetup brings up (or fails, never skips). Files run one after another: they share the
// machine's two cores with the workers they start.
export default defineConfig({
  test: {
    name: 'executor-taskvine',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { CATALOG_HOST: '127.0.0.1:1' },
  },
});
