import { defineConfig } from 'drizzle-kit';

// The same table definitions as drizzle.config.ts, built with PostgreSQL's column types: the
// builders in src/db/schema.ts choose the engine from DATABASE_URL when they are imported (issue 21).
// `generate` needs no server; any postgres:// URL selects the dialect.
process.env.DATABASE_URL ??= 'postgres://127.0.0.1:5432/test';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/**/tables.ts', './src/db/change-stamps.ts'],
  out: './migrations-pg',
});
