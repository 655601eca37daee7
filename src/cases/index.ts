import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import staffCaseRoutes from './routes/staff.js';
import publicCaseRoutes from './routes/public.js';

export { draftCaseFromReferral } from './service.js';
export { currentQuarter } from './quarter.js';
export { quarterLabel } from './view-model.js';
export { searchPublishedCases } from './site-search.js';

/** Typical cases (典型案例通报): drafting, sign-off, approval, quarterly publication, public list and feed. */
export async function caseRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(staffCaseRoutes, opts);
  await app.register(publicCaseRoutes, opts);
}
export { insertCase } from './repository.js';
// Reporting's live statistics count the published cases per region.
export { publishedCaseCountsByRegion } from './statistics-repository.js';
