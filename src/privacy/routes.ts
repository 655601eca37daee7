// /privacy: the notice of processing (PIPL arts. 17 and 35) the report form and the tracking page
// link to. The portal's departments act on a statutory duty (art. 13(1)3), not on consent, so this
// is a notice, never a checkbox. The periods come from the retention schedule in force
// (src/retention), the same one the scheduler enforces, so the page never promises other numbers.
// The page is the same for every visitor: cached like the other public pages, no session.
import type { FastifyInstance } from 'fastify';
import { retentionInForce } from '../retention/index.js';
import type { Deps } from '../shared/deps.js';

export async function privacyRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  app.get('/privacy', { config: { publicCache: true } }, async (_request, reply) => {
    const schedule = await retentionInForce(deps.db, deps.config);
    return reply.page('privacy/notice', { titleKey: 'privacy.title', descriptionKey: 'privacy.description', schedule });
  });
}
