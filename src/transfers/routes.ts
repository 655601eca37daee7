// Transfers: the handler's action on a report, and the department's list and actions.
import type { FastifyInstance } from 'fastify';
import { desc, eq, sql } from 'drizzle-orm';
import { requireStaff } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { AppError, notFound } from '../shared/errors.js';
import { visibleReport } from '../casework/scope.js';
import { reports } from '../reports/tables.js';
import { supervisedUnitIds } from '../units/index.js';
import * as svc from './service.js';
import { transfers } from './tables.js';

type Params = { Params: { id: string }; Body: Record<string, string | undefined> };

export default async function transferRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function guarded(run: () => unknown, back: string, reply: import('fastify').FastifyReply) {
    try {
      await run();
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return reply.redirect(`${back}?error=${err.code}`, 303);
      throw err;
    }
    return reply.redirect(`${back}?done=1`, 303);
  }

  app.post<Params>('/staff/reports/:id/transfer', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    const b = request.body ?? {};
    return guarded(() => svc.transfer(deps, request.staff!, report, Number(b.department_id), b.due ?? '', b.note ?? ''), `/staff/reports/${report.id}`, reply);
  });

  app.get('/staff/transfers', { preHandler: requireStaff() }, async (request, reply) => {
    if (request.staff!.unit.kind !== 'department') throw notFound();
    const rows = db
      .select({ transfer: transfers, caseNo: reports.caseNo, category: reports.category })
      .from(transfers)
      .innerJoin(reports, sql`${reports.id} = ${transfers.reportId}`)
      .where(eq(transfers.departmentUnitId, request.staff!.unit.id))
      .orderBy(desc(transfers.id))
      .limit(200)
      .all();
    return reply.page('transfers/inbox', { titleKey: 'transfers.title', csrfToken: reply.generateCsrf(), rows }, { layout: 'staff' });
  });

  async function load(request: { staff: import('../plugins/auth.js').StaffContext | null; params: { id: string } }) {
    const t = db.select().from(transfers).where(eq(transfers.id, Number(request.params.id))).get();
    if (!t) throw notFound();
    // Visible to the department it went to, and to those who see the report.
    if (request.staff!.unit.id !== t.departmentUnitId && !(await visibleReport(db, request.staff!, t.reportId))) throw notFound();
    return t;
  }

  app.post<Params>('/staff/transfers/:id/receive', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request);
    const scope = await supervisedUnitIds(db, request.staff!.unit.id);
    return guarded(() => svc.confirmReceipt(deps, request.staff!, t, scope), back(request.staff!.unit.kind, t), reply);
  });

  app.post<Params>('/staff/transfers/:id/outcome', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request);
    const scope = await supervisedUnitIds(db, request.staff!.unit.id);
    return guarded(() => svc.recordOutcome(deps, request.staff!, t, request.body?.outcome ?? '', scope), back(request.staff!.unit.kind, t), reply);
  });

  app.post<Params>('/staff/transfers/:id/return', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request);
    return guarded(() => svc.returnTransfer(deps, request.staff!, t, request.body?.reason ?? ''), back(request.staff!.unit.kind, t), reply);
  });
}

function back(kind: string, t: svc.Transfer): string {
  return kind === 'department' ? '/staff/transfers' : `/staff/reports/${t.reportId}`;
}
