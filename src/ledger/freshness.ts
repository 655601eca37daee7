// Public pages are cached until something calls publicCache.invalidate(). Two kinds of change reach
// the ledger and statistics pages without such a call: the date (an item becomes overdue at midnight;
// statistics are counted up to the end of yesterday), and ledger items written by casework
// (supervision.startRectification / signOffItem). This hook, added inside a plugin so that it runs
// only for that plugin's routes, compares a cheap fingerprint before the cache is consulted and
// invalidates when it moved.
// (It belongs in src/plugins/public-cache.ts as a route option one day; see the issue note.)
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { todayInChina } from '../clocks/index.js';

export function invalidateWhenChanged(app: FastifyInstance, deps: Pick<Deps, 'publicCache'>, fingerprint: () => string): void {
  let last = fingerprint();
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const now = fingerprint();
    if (now !== last) {
      last = now;
      deps.publicCache.invalidate();
    }
  });
}

/** The date in China: public pages that depend on "today" change at midnight. */
export const dateFingerprint = () => todayInChina();

/** The date plus the ledger's row count and last change (a scan of a small table). */
export function ledgerFingerprint(deps: Pick<Deps, 'db'>): () => string {
  return () => {
    const row = deps.db.get<{ n: number; m: number | null }>(sql`select count(*) as n, max(updated_at) as m from rectification_items`)!;
    return `${todayInChina()}|${row.n}|${row.m ?? 0}`;
  };
}
