// /staff/admin/audit: browsing the audit log with filters, and verifying its MAC chain.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { record } from '../../audit/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { auditQueryString, browseAudit, readAuditQuery, verifyAudit, type VerifyOutcome } from '../audit-browse.js';
import { adminScope } from '../scope.js';

export default async function auditAdminRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const admin = { preHandler: requireStaff('audit_admin') };

  async function render(request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply, verification: VerifyOutcome | null = null) {
    const scope = await adminScope(deps.db, request.staff!);
    const query = readAuditQuery(request.query ?? {});
    const before = request.query?.before && /^\d{1,12}$/.test(request.query.before) ? Number(request.query.before) : undefined;
    const page = browseAudit(deps.db, scope, query, before);
    const qs = auditQueryString(query);
    return reply.page(
      'admin/audit',
      {
        titleKey: 'admin.audit.title',
        csrfToken: reply.generateCsrf(),
        top: scope.top,
        filter: query,
        rows: page.rows,
        nextHref: page.nextCursor ? `/staff/admin/audit?${qs}${qs ? '&' : ''}before=${page.nextCursor}` : null,
        verification,
        verificationReason: verification?.broken ? `admin.audit.reason_${verification.broken.reason}` : null,
      },
      { layout: 'staff' },
    );
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/admin/audit', admin, async (request, reply) => render(request, reply));

  // POST: it is an action (and audited), though it changes nothing but the log itself.
  app.post<{ Querystring: Record<string, string | undefined> }>('/staff/admin/audit/verify', admin, async (request, reply) => {
    const outcome = verifyAudit(deps);
    record(deps.db, deps.keys['audit-mac'], {
      actor: { type: 'staff', id: request.staff!.user.id },
      action: 'audit.verify',
      object: { type: 'audit_log', id: outcome.head?.id ?? 0 },
      result: outcome.broken ? 'broken' : 'ok',
      detail: { checked: outcome.checked, ...(outcome.broken ? { brokenAt: outcome.broken.id, reason: outcome.broken.reason } : {}) },
    });
    if (outcome.broken) request.log.error({ brokenAt: outcome.broken.id, reason: outcome.broken.reason }, 'audit chain broken');
    return render(request, reply, outcome);
  });
}
