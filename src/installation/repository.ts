import { eq } from 'drizzle-orm';
import { query, type Tx } from '../db/transaction.js';
import type { Db } from '../db/connection.js';
import { installation } from './tables.js';

export type InstallMode = 'demo' | 'production';

export async function readMode(db: Db | Tx): Promise<InstallMode | null> {
  return (await query(db, (q) => q.select({ mode: installation.mode }).from(installation).where(eq(installation.id, 1)).get()))?.mode ?? null;
}

/** Writes the mode when none is set; returns the mode in force afterwards (the first one wins). */
export async function insertModeOnce(db: Db | Tx, mode: InstallMode, now: number): Promise<InstallMode> {
  return query(db, async (q) => {
    await q.insert(installation).values({ id: 1, mode, setAt: now }).onConflictDoNothing().run();
    return (await q.select({ mode: installation.mode }).from(installation).where(eq(installation.id, 1)).get())!.mode;
  });
}
