// A staff user's own account: change password (required after a generated one).
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { findUser } from '../repository.js';
import { changePassword } from '../service.js';

export default async function profileRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  app.get<{ Querystring: { done?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) =>
    reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), mustChange: request.staff!.user.mustChangePassword, done: request.query.done === '1' }, { layout: 'staff' }),
  );

  app.post<{ Body: { current?: string; next?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) => {
    const user = request.staff!.user;
    const problem = await changePassword(deps, user, String(request.body?.current ?? ''), String(request.body?.next ?? ''));
    if (problem) {
      return reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), mustChange: user.mustChangePassword, error: `staff.password.errors.${problem}` }, { layout: 'staff', status: 400 });
    }
    // A password change ends every other session: a copied cookie stops working (issue 9).
    const now = Date.now();
    await request.session.regenerate();
    request.session.staff = { userId: user.id, lastSeen: now, since: findUser(deps.db, user.id)!.passwordChangedAt };
    await request.session.save();
    app.sessionStore.destroyForUser(user.id, request.session.sessionId);
    return reply.redirect(user.mustChangePassword ? '/staff' : '/staff/password?done=1', 303);
  });
}
