import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'monitoring-dashboard',
    include: ['test/**/*.test.ts'],
    // Real runs recorded once (thread pool and HTEX) into the database most tests read.
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One browser at a time on a 2-core machine; the files share nothing else.
    fileParallelism: false,
  },
});
