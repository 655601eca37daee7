// The account actions on a user's page. The system administrator's: disable, enable, hand over
// open work. The security administrator's (issue 15): roles, unlock, password reset, and a
// second-factor reset that waits for a second administrator's approval.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notifyAssignee } from '../../reports/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { findSecondFactorReset, type User } from '../../users/index.js';
import type { AdminScope } from '../scope.js';
import { readRoles } from '../user-form.js';
import { handOver, setDisabled, AdminActionError, type EndSessions, type HandOverResult } from '../user-service.js';
import { decideSecondFactor, requestSecondFactorReset, resetPassword, setRoles, unlock } from '../security-service.js';
import { managedUser, renderPassword, renderUser } from './user-pages.js';
import { rowIdOf } from '../../db/dialect.js';

type Req = FastifyRequest<{ Params: { id: string }; Body: Record<string, string | string[] | undefined> }>;
type Route = { Params: { id: string }; Body: Record<string, string | string[] | undefined> };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

export default async function userActionRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const system = { preHandler: requireStaff('system_admin') };
  const security = { preHandler: requireStaff('security_admin') };
  const eitherDuty = { preHandler: requireStaff('security_admin', 'system_admin') };
  const endSessions: EndSessions = (userId) => app.sessionStore.destroyForUser(userId);
  const done = (reply: FastifyReply, user: User, what: string) => reply.redirect(`/staff/admin/users/${user.id}?done=${what}`, 303);

  /** Runs an action; a refused one (409) re-renders the user's page with its message. */
  async function act(request: Req, reply: FastifyReply, run: (user: User, scope: AdminScope) => Promise<unknown>) {
    const { user, scope } = await managedUser(deps, request);
    try {
      return await run(user, scope);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) {
        const to = Number(one(request.body?.to));
        const roles = request.url.endsWith('/roles') ? [request.body?.roles ?? []].flat() : undefined;
        return renderUser(deps, request, reply, user, scope, { actionError: err.messageKey, ...(Number.isInteger(to) ? { handoverTo: to } : {}), ...(roles ? { roles } : {}) }, 409);
      }
      throw err;
    }
  }

  app.post<Route>('/staff/admin/users/:id/disable', system, async (request, reply) =>
    act(request, reply, async (user) => {
      await setDisabled(deps, request.staff!, user, true, endSessions);
      return done(reply, user, 'disabled');
    }),
  );

  app.post<Route>('/staff/admin/users/:id/enable', system, async (request, reply) =>
    act(request, reply, async (user) => {
      await setDisabled(deps, request.staff!, user, false, endSessions);
      return done(reply, user, 'enabled');
    }),
  );

  app.post<Route>('/staff/admin/users/:id/handover', system, async (request, reply) =>
    act(request, reply, async (user) => {
      const to = rowIdOf(one(request.body?.to)) ?? -1;
      const result = await handOver(deps, request.staff!, user, to);
      await notifyNewAssignee(deps, result);
      return reply.redirect(`/staff/admin/users/${user.id}?done=handover&moved=${result.moved.length}&kept=${result.kept.length}`, 303);
    }),
  );

  app.post<Route>('/staff/admin/users/:id/roles', security, async (request, reply) =>
    act(request, reply, async (user) => {
      const roles = readRoles(request.body ?? {});
      if (!roles) throw new AdminActionError('roles');
      const changed = await setRoles(deps, request.staff!, user, roles);
      return done(reply, user, changed ? 'roles' : 'unchanged');
    }),
  );

  app.post<Route>('/staff/admin/users/:id/unlock', security, async (request, reply) =>
    act(request, reply, async (user) => {
      await unlock(deps, request.staff!, user);
      return done(reply, user, 'unlocked');
    }),
  );

  app.post<Route>('/staff/admin/users/:id/reset', security, async (request, reply) =>
    act(request, reply, async (user) => {
      const password = await resetPassword(deps, request.staff!, user, endSessions);
      return renderPassword(reply, user, password, true);
    }),
  );

  app.post<Route>('/staff/admin/users/:id/second-factor', security, async (request, reply) =>
    act(request, reply, async (user) => {
      const reason = one(request.body?.reason);
      if (reason.length < 2 || reason.length > 200) throw new AdminActionError('second_factor_reason');
      await requestSecondFactorReset(deps, request.staff!, user, reason);
      return done(reply, user, 'second_factor_requested');
    }),
  );

  // Approve or refuse: another security administrator, or the system administrator where the
  // requester is the only security administrator (security-service mayDecide).
  app.post<Route>('/staff/admin/users/:id/second-factor/decide', eitherDuty, async (request, reply) =>
    act(request, reply, async (user) => {
      const id = rowIdOf(one(request.body?.request)) ?? -1;
      const pending = await findSecondFactorReset(deps.db, id);
      if (!pending || pending.userId !== user.id) throw new AdminActionError('second_factor_gone');
      const approve = one(request.body?.decision) === 'approve';
      await decideSecondFactor(deps, request.staff!, id, approve, endSessions);
      return done(reply, user, approve ? 'second_factor_reset' : 'second_factor_refused');
    }),
  );
}

/** The new handler is told as for an assignment: an in-app notice and an e-mail per report, no content. */
async function notifyNewAssignee(deps: Deps, result: HandOverResult): Promise<void> {
  for (const report of result.moved) await notifyAssignee(deps, result.to, { ...report, assigneeId: result.to.id }, 'assigned');
}
