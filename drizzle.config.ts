import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // Every feature's tables.ts and the change-stamp counters: src/db knows no feature (DESIGN.md §6).
  schema: ['./src/**/tables.ts', './src/db/change-stamps.ts'],
  out: './migrations',
});
