// /staff/reports/:id/identity — a requester's side of the custodian flow: ask with a reason, see
// the state of the request, and once approved see the reporter's identity (audited, never cached).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, visibleReport } from '../../reports/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Report } from '../../reports/index.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { findUnit } from '../../units/index.js';
import { notifyCustodians } from '../notify.js';
import * as repo from '../repository.js';
import { deciderUnitIdFor, mayRequest, REASON_MAX, REASON_MIN, requestIdentity, viewIdentity } from '../service.js';

type Params = { Params: { id: string } };

interface Extra {
  values?: { reason?: string };
  reasonError?: string;
  actionError?: string;
  done?: string;
}

export default async function requestRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function load(request: FastifyRequest<Params>): Promise<Report> {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    return report;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, report: Report, extra: Extra = {}, status = 200) {
    const staff = request.staff!;
    // The page may carry an identity: no cache anywhere keeps a copy (browser back/forward included).
    reply.header('Cache-Control', 'no-store');
    const base = { titleKey: 'identity_access.page.title', report: { id: report.id, caseNo: report.caseNo }, csrfToken: reply.generateCsrf(), reasonMin: REASON_MIN, reasonMax: REASON_MAX, ...extra };
    if (!report.realName) return reply.page('identity-access/request', { ...base, state: 'anonymous' }, { layout: 'staff', status });
    if (!mayRequest(staff)) return reply.page('identity-access/request', { ...base, state: 'role' }, { layout: 'staff', status: status === 200 ? 403 : status });
    const latest = await repo.latestRequest(db, report.id, staff.user.id);
    const state = latest?.status ?? 'none';
    const decider = await findUnit(db, latest?.deciderUnitId ?? deciderUnitIdFor(staff));
    let identity;
    if (latest?.status === 'approved') identity = await viewIdentity(deps, staff, report, latest);
    return reply.page(
      'identity-access/request',
      {
        ...base,
        state,
        request: latest ? { reason: latest.reason, createdAt: latest.createdAt, decidedAt: latest.decidedAt, decisionNote: latest.decisionNote } : null,
        deciderUnit: decider?.name ?? '',
        identity: identity ?? null,
        identityMissing: latest?.status === 'approved' && !identity,
        canRequest: state === 'none' || state === 'denied' || state === 'revoked',
      },
      { layout: 'staff', status },
    );
  }

  app.get<Params & { Querystring: { done?: string } }>('/staff/reports/:id/identity', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    return render(request, reply, report, request.query.done === 'requested' ? { done: 'requested' } : {});
  });

  app.post<Params & { Body: { reason?: string } }>('/staff/reports/:id/identity', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const reason = typeof request.body?.reason === 'string' ? request.body.reason : '';
    let created: repo.IdentityRequest;
    try {
      // Only for a report the user works on (casework/permissions.ts, issue 16).
      await authorize(deps, request.staff!, report, 'identity_request');
      created = await requestIdentity(deps, request.staff!, report, reason);
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) {
        const field = err.code === 'IDENTITY_REASON';
        return render(request, reply, report, { values: { reason }, ...(field ? { reasonError: err.messageKey } : { actionError: err.messageKey }) }, err.statusCode);
      }
      throw err;
    }
    if ((await notifyCustodians(deps, created)) === 0) request.log.warn({ request: created.id, unit: created.deciderUnitId }, 'identity request: the deciding unit has no custodian to tell');
    return reply.redirect(`/staff/reports/${report.id}/identity?done=requested`, 303);
  });
}
