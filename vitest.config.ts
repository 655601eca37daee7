import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI; more workers only contend for them.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
