// The bench's own unit tests (option parsing): `npx vitest run --config bench/vitest.config.ts`.
// Not part of `npm test`, whose include is test/**; no timed assertions here either.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['bench/**/*.test.ts'], maxWorkers: 1 },
});
