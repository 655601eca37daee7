// A staff user's own account: change password (required after a generated one).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { findUser } from '../repository.js';
import { changePassword } from '../service.js';

export default async function profileRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  /** Why the user must change the password now, if they must: a generated one, or one past its age. */
  const reason = (request: FastifyRequest) => ({ mustChange: request.staff!.user.mustChangePassword, expired: !request.staff!.user.mustChangePassword && !!request.staff!.passwordExpired, maxAgeDays: deps.config.passwordMaxAgeDays });

  app.get<{ Querystring: { done?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) =>
    reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), ...reason(request), done: request.query.done === '1' }, { layout: 'staff' }),
  );

  app.post<{ Body: { current?: string; next?: string; confirm?: string } }>('/staff/password', { preHandler: requireStaff() }, async (request, reply) => {
    const user = request.staff!.user;
    const next = String(request.body?.next ?? '');
    const problem = next !== String(request.body?.confirm ?? '') ? 'mismatch' : await changePassword(deps, user, String(request.body?.current ?? ''), next);
    if (problem) {
      return reply.page('users/password', { titleKey: 'staff.password.title', csrfToken: reply.generateCsrf(), ...reason(request), error: `staff.password.errors.${problem}` }, { layout: 'staff', status: 400 });
    }
    // A password change ends every other session: a copied cookie stops working (issue 9).
    const now = Date.now();
    await request.session.regenerate();
    request.session.staff = { userId: user.id, lastSeen: now, since: (await findUser(deps.db, user.id))!.passwordChangedAt };
    await request.session.save();
    await app.sessionStore.destroyForUser(user.id, request.session.sessionId);
    return reply.redirect(user.mustChangePassword || request.staff!.passwordExpired ? '/staff' : '/staff/password?done=1', 303);
  });
}
