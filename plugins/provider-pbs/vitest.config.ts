import { defineConfig } from 'vitest/config';

// Integration tests (*.integration.test.ts) run on the PBS/Torque commands of Debian's
// slurm-wlm-torque over the real local Slurm cluster of tools/dev-cluster, which globalSetup
// brings up (or fails, never skips). The files share its nodes, so they run one after another.
export default defineConfig({
  test: {
    name: 'provider-pbs',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
