import { defineConfig } from 'vitest/config';

// Run every package's tests from the root (`pnpm vitest`); CI goes through turbo (`pnpm test`).
export default defineConfig({
  test: { projects: ['packages/*', 'plugins/*'] },
});
