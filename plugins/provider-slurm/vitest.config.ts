import { defineConfig } from 'vitest/config';

// Integration tests (*.integration.test.ts) run against the real local Slurm cluster of
// tools/dev-cluster, which globalSetup brings up (or fails, never skips). The files share its four
// nodes, so they run one after another; unit tests need no cluster.
export default defineConfig({
  test: {
    name: 'provider-slurm',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
