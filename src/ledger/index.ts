import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import staffLedgerRoutes from './staff-routes.js';
import publicLedgerRoutes from './public-routes.js';

export { findItem } from './repository.js';
export { insertItem, searchItems, type Item, type NewItem, type ItemHit } from './repository.js';

/** The problem list and rectification ledger (问题清单和整改台账): staff progress, sign-off, public view, exports. */
export async function ledgerRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(staffLedgerRoutes, opts);
  await app.register(publicLedgerRoutes, opts);
}
export { countEnteredItems } from './repository.js';
export type { ItemStatus, Source } from './catalog.js';
