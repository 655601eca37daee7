// /staff/identity-requests — a custodian's queue: requests their unit decides, and recent decisions.
// It shows who asks, for which case and why; never the identity asked for.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecused } from '../../reports/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { notifyRequester } from '../notify.js';
import * as repo from '../repository.js';
import { decideRequest, NOTE_MAX, revokeRequest } from '../service.js';

type Params = { Params: { id: string } };
type Body = { Body: { decision?: string; note?: string } };

const DONE = ['approved', 'denied', 'revoked'] as const;

interface Extra {
  done?: string;
  actionError?: string;
  failedId?: number;
  values?: { note?: string };
}

export default async function queueRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function rows(request: FastifyRequest, list: repo.QueueRow[]) {
    const staff = request.staff!;
    const out = [];
    for (const r of list) {
      // A custodian recused from the report sees that a request exists, not which case or why.
      const recused = await isRecused(db, staff.user, r);
      out.push({
        id: r.id,
        recused,
        own: r.requesterId === staff.user.id,
        caseNo: recused ? null : r.caseNo,
        reason: recused ? null : r.reason,
        requesterName: r.requesterName,
        requesterUnit: r.requesterUnit,
        status: r.status,
        createdAt: r.createdAt,
        decidedAt: r.decidedAt,
        deciderName: r.deciderName,
        decisionNote: recused ? null : r.decisionNote,
      });
    }
    return out;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, extra: Extra = {}, status = 200) {
    const unitId = request.staff!.unit.id;
    const pending = await rows(request, await repo.pendingForUnit(db, unitId));
    const decided = await rows(request, await repo.decidedForUnit(db, unitId));
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'identity-access/queue',
      { titleKey: 'identity_access.queue.title', csrfToken: reply.generateCsrf(), noteMax: NOTE_MAX, pending, decided, ...extra },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: { done?: string } }>('/staff/identity-requests', { preHandler: requireStaff('custodian') }, async (request, reply) => {
    const done = (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done : undefined;
    return render(request, reply, done ? { done } : {});
  });

  /** Runs a decision; a refusal the custodian can act on re-renders the queue with the note kept. */
  async function act(request: FastifyRequest<Params & Body>, reply: FastifyReply, run: (id: number) => Promise<repo.IdentityRequest>, done: string) {
    const id = Number(request.params.id);
    let changed: repo.IdentityRequest;
    try {
      changed = await run(id);
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) {
        return render(request, reply, { actionError: err.messageKey, failedId: id, values: { note: request.body?.note ?? '' } }, err.statusCode);
      }
      throw err;
    }
    await notifyRequester(deps, changed);
    return reply.redirect(`/staff/identity-requests?done=${done}`, 303);
  }

  app.post<Params & Body>('/staff/identity-requests/:id/decide', { preHandler: requireStaff('custodian') }, async (request, reply) => {
    const decision = typeof request.body?.decision === 'string' ? request.body.decision : '';
    const note = typeof request.body?.note === 'string' ? request.body.note : '';
    return act(request, reply, (id) => decideRequest(deps, request.staff!, id, decision, note), decision === 'approve' ? 'approved' : 'denied');
  });

  app.post<Params & Body>('/staff/identity-requests/:id/revoke', { preHandler: requireStaff('custodian') }, async (request, reply) => {
    return act(request, reply, (id) => revokeRequest(deps, request.staff!, id), 'revoked');
  });
}
