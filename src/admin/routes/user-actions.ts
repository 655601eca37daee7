// The account actions on a user's page: disable, enable, reset the password, hand over open work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notifyAssignee } from '../../casework/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import type { User } from '../../users/index.js';
import type { AdminScope } from '../scope.js';
import { handOver, resetPassword, setDisabled, type EndSessions, type HandOverResult } from '../user-service.js';
import { managedUser, renderPassword, renderUser } from './user-pages.js';

type Req = FastifyRequest<{ Params: { id: string }; Body: Record<string, string | undefined> }>;

export default async function userActionRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const admin = { preHandler: requireStaff('system_admin') };
  const endSessions: EndSessions = (userId) => app.sessionStore.destroyForUser(userId);

  /** Runs an action; a refused one (409) re-renders the user's page with its message. */
  async function act(request: Req, reply: FastifyReply, run: (user: User, scope: AdminScope) => Promise<unknown>) {
    const { user, scope } = await managedUser(deps, request);
    try {
      return await run(user, scope);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) {
        const to = Number(request.body?.to);
        return renderUser(deps, request, reply, user, scope, { actionError: err.messageKey, ...(Number.isInteger(to) ? { handoverTo: to } : {}) }, 409);
      }
      throw err;
    }
  }

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/staff/admin/users/:id/disable', admin, async (request, reply) =>
    act(request, reply, async (user) => {
      setDisabled(deps, request.staff!, user, true, endSessions);
      return reply.redirect(`/staff/admin/users/${user.id}?done=disabled`, 303);
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/staff/admin/users/:id/enable', admin, async (request, reply) =>
    act(request, reply, async (user) => {
      setDisabled(deps, request.staff!, user, false, endSessions);
      return reply.redirect(`/staff/admin/users/${user.id}?done=enabled`, 303);
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/staff/admin/users/:id/reset', admin, async (request, reply) =>
    act(request, reply, async (user) => {
      const password = await resetPassword(deps, request.staff!, user, endSessions);
      return renderPassword(reply, user, password, true);
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/staff/admin/users/:id/handover', admin, async (request, reply) =>
    act(request, reply, async (user) => {
      const to = /^\d{1,10}$/.test(request.body?.to ?? '') ? Number(request.body!.to) : -1;
      const result = handOver(deps, request.staff!, user, to);
      notifyNewAssignee(deps, result);
      return reply.redirect(`/staff/admin/users/${user.id}?done=handover&moved=${result.moved.length}&kept=${result.kept.length}`, 303);
    }),
  );
}

/** The new handler is told as for an assignment: an in-app notice and an e-mail per report, no content. */
function notifyNewAssignee(deps: Deps, result: HandOverResult): void {
  for (const report of result.moved) notifyAssignee(deps, result.to, { ...report, assigneeId: result.to.id }, 'assigned');
}
