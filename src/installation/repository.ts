import { eq } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { installation } from './tables.js';

export type InstallMode = 'demo' | 'production';

export function readMode(db: Executor): InstallMode | null {
  return db.select({ mode: installation.mode }).from(installation).where(eq(installation.id, 1)).get()?.mode ?? null;
}

/** Writes the mode when none is set; returns the mode in force afterwards (the first one wins). */
export function insertModeOnce(db: Executor, mode: InstallMode, now: number): InstallMode {
  db.insert(installation).values({ id: 1, mode, setAt: now }).onConflictDoNothing().run();
  return readMode(db)!;
}
