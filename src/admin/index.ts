// Administrators (issue 4): users of their scope (create, disable, reset, roles, unit, hand over
// open work), the audit log (browse, verify the chain) and the holiday overrides.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import userAdminRoutes from './routes/users.js';
import userActionRoutes from './routes/user-actions.js';
import auditAdminRoutes from './routes/audit.js';
import calendarAdminRoutes from './routes/calendar.js';

export { verifyAudit, type VerifyOutcome } from './audit-browse.js';
export { adminScope, isTopUnit, type AdminScope } from './scope.js';
export { OPEN_WORK_STATUSES } from './user-service.js';

export async function adminRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  // Generated passwords and the audit log: never kept in a browser or proxy cache.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/staff/admin')) reply.header('Cache-Control', 'no-store');
  });
  app.get('/staff/admin', async (_request, reply) => reply.redirect('/staff/admin/users', 303));
  await app.register(userAdminRoutes, opts);
  await app.register(userActionRoutes, opts);
  await app.register(auditAdminRoutes, opts);
  await app.register(calendarAdminRoutes, opts);
}
