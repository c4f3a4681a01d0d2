import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Type-level tests (expectTypeOf) run through tsc, so they can fail.
    typecheck: { enabled: true, include: ['test/types.test.ts'], tsconfig: './test/tsconfig.json' },
  },
});
