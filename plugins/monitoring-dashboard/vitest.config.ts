import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'monitoring-dashboard',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One browser at a time on a 2-core machine; the files share nothing else.
    fileParallelism: false,
  },
});
