import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { answerRectificationItems, onRectificationStarted } from '../reports/index.js';
import staffLedgerRoutes from './staff-routes.js';
import publicLedgerRoutes from './public-routes.js';
import { insertItem, itemsOfReport } from './repository.js';

export { findItem } from './repository.js';
export { insertItem, searchItems, itemsOfReport, type Item, type NewItem, type ItemHit } from './repository.js';

/** The problem list and rectification ledger (问题清单和整改台账): staff progress, sign-off, public view, exports. */
export async function ledgerRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(staffLedgerRoutes, opts);
  await app.register(publicLedgerRoutes, opts);
}
export { countEnteredItems } from './repository.js';
export { rectificationCountsByRegion, type RectificationCounts } from './statistics-repository.js';
export type { ItemStatus, Source } from './catalog.js';
// The deadline sweep: reminds and escalates items not signed off (the scheduler plugin runs it).
export { runLedgerSweep, type LedgerSweepResult } from './sweep.js';

// A report concluded with problems to put right opens its items here, in the step's transaction;
// its page lists them from here (the ledger depends on the reports domain, not the other way round).
onRectificationStarted(async (ctx, items, now) => {
  for (const item of items) {
    await insertItem(ctx.db, { ...item, source: 'report', status: 'not_started', createdAt: now, updatedAt: now });
  }
});
answerRectificationItems(itemsOfReport);
