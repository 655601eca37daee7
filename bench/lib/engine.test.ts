// The bench's engine options (issue 21): `--engine pg`, `--scale`, `--pg`, `--keep-db`.
// Run with `npx vitest run --config bench/vitest.config.ts` (the suite's include is test/**: the bench is not part of npm test).
import { describe, expect, it } from 'vitest';
import { FULL, QUICK } from '../generate.js';
import { benchDatabaseName, DEFAULT_PG_SERVER, engineOptions, scaledSizes } from './engine.js';

describe('bench engine options', () => {
  it('runs on SQLite at the default sizes without options', () => {
    expect(engineOptions(['--quick'])).toEqual({ engine: 'sqlite', pgServer: DEFAULT_PG_SERVER, keepDb: false, scale: null });
  });

  it('reads --engine pg, --pg, --keep-db and --scale', () => {
    expect(engineOptions(['--engine', 'pg', '--pg', 'postgres://bench@db.local:5433/', '--keep-db', '--scale', '0.25'])).toEqual({
      engine: 'pg',
      pgServer: 'postgres://bench@db.local:5433',
      keepDb: true,
      scale: 0.25,
    });
  });

  it('refuses an unknown engine, a scale outside (0, 1], a missing value and a server URL with a database', () => {
    expect(() => engineOptions(['--engine', 'mysql'])).toThrow(/--engine/);
    expect(() => engineOptions(['--scale', '0'])).toThrow(/--scale/);
    expect(() => engineOptions(['--scale', '2'])).toThrow(/--scale/);
    expect(() => engineOptions(['--scale', 'half'])).toThrow(/--scale/);
    expect(() => engineOptions(['--engine', '--quick'])).toThrow(/needs a value/);
    expect(() => engineOptions(['--pg', 'postgres://postgres@127.0.0.1:5432/test'])).toThrow(/without a database/);
  });

  it('scales the full sizes, keeping the floors the scenarios need', () => {
    expect(scaledSizes(FULL, 1)).toEqual(FULL);
    expect(scaledSizes(FULL, 0.25)).toEqual({ recipients: 250_000, reports: 50_000, staff: 500, ledger: 1_250, cases: 75 });
    expect(scaledSizes(FULL, 0.01)).toEqual({ recipients: 10_000, reports: 2_000, staff: QUICK.staff, ledger: 100, cases: QUICK.cases });
  });

  it('names the database after the process, safe to put into CREATE DATABASE', () => {
    expect(benchDatabaseName(4242)).toBe('sunshine_bench_4242');
    expect(benchDatabaseName(4242)).toMatch(/^[a-z0-9_]+$/);
  });
});
