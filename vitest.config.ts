import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI; more workers only contend for them.
    maxWorkers: 2,
    // A worker keeps its loaded modules from one test file to the next: importing the app afresh for
    // each of ~270 files was half of the suite's CPU (540 s of a 1,065 s CI run). Files that change
    // module state (crypto profile, plan thresholds, process.env) put it back in afterAll/afterEach.
    isolate: false,
    globalSetup: ['test/helpers/global-setup.ts'],
    // Cheap password hashing in tests only (src/users/passwords.ts: needs NODE_ENV=test as well,
    // which vitest sets); test/shared/crypto/passwords-and-keys.test.ts checks the real costs.
    env: { SUNSHINE_TEST_CHEAP_KDF: '1' },
  },
});
