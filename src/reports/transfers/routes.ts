// Transfers: the handler's action on a report, and the department's list and actions. Who may act
// on a transfer is decided with every other report action, in casework/permissions.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { authorize, isOpenTransfer, visibleReport } from '../casework/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import { findReport } from '../repository.js';
import { supervisedUnitIds } from '../../units/index.js';
import * as svc from './service.js';

type Params = { Params: { id: string }; Body: Record<string, string | undefined> };

export default async function transferRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function guarded(run: () => unknown, back: string, reply: FastifyReply) {
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
    await authorize(deps, request.staff!, report, 'transfer');
    const b = request.body ?? {};
    return guarded(() => svc.transfer(deps, request.staff!, report, Number(b.department_id), b.due ?? '', b.note ?? ''), `/staff/reports/${report.id}`, reply);
  });

  /** The department's list; after a refused post, the message and the words typed stay with their transfer. */
  async function renderList(request: FastifyRequest, reply: FastifyReply, failed?: { transferId: number; field: string; messageKey: string; values: Record<string, string | undefined> }, status = 200) {
    const rows = (await svc.departmentList(deps, request.staff!.unit.id)).map((r) => (failed && r.transfer.id === failed.transferId ? { ...r, error: failed } : r));
    return reply.page('reports/transfers/inbox', { titleKey: 'transfers.title', csrfToken: reply.generateCsrf(), rows }, { layout: 'staff', status });
  }

  app.get('/staff/transfers', { preHandler: requireStaff() }, async (request, reply) => {
    if (request.staff!.unit.kind !== 'department') throw notFound();
    return renderList(request, reply);
  });

  /** A step typed on the department's list: a refusal renders the list again with the input kept. */
  async function fromList(request: FastifyRequest<Params>, reply: FastifyReply, t: svc.Transfer, field: string, run: () => unknown) {
    if (request.staff!.unit.kind !== 'department') return guarded(run, back(request.staff!.unit.kind, t), reply);
    try {
      await run();
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return renderList(request, reply, { transferId: t.id, field, messageKey: err.messageKey ?? 'casework.errors.wrong_state', values: request.body ?? {} }, 409);
      throw err;
    }
    return reply.redirect(`/staff/transfers?done=${field}#transfer-${t.id}`, 303);
  }

  /**
   * The transfer and its report, for an action on it: the department sees its own transfer while it
   * is open (its part ends with the outcome or the return, issue 16); others need to see the report.
   * Then the action must be the user's part (permissions.ts), else 403 before anything is written.
   */
  async function load(request: { staff: StaffContext | null; params: { id: string } }, action: 'transfer_receive' | 'transfer_outcome' | 'transfer_return') {
    const staff = request.staff!;
    const t = /^\d{1,12}$/.test(request.params.id) ? await svc.findTransfer(deps, Number(request.params.id)) : undefined;
    if (!t) throw notFound();
    const report = staff.unit.kind === 'department' ? (t.departmentUnitId === staff.unit.id && isOpenTransfer(t) ? await findReport(db, t.reportId) : undefined) : await visibleReport(db, staff, t.reportId);
    if (!report) throw notFound();
    await authorize(deps, staff, report, action);
    return t;
  }

  app.post<Params>('/staff/transfers/:id/receive', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request, 'transfer_receive');
    const scope = await supervisedUnitIds(db, request.staff!.unit.id);
    return guarded(() => svc.confirmReceipt(deps, request.staff!, t, scope), back(request.staff!.unit.kind, t), reply);
  });

  // 进展反馈 (issue 19 item 11): interim feedback is part of reporting on the transfer, so it is
  // allowed to whoever may record the outcome (the department, or the handling unit on its behalf).
  app.post<Params>('/staff/transfers/:id/progress', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request, 'transfer_outcome');
    const scope = await supervisedUnitIds(db, request.staff!.unit.id);
    return fromList(request, reply, t, 'progress', () => svc.recordProgress(deps, request.staff!, t, request.body?.progress ?? '', scope));
  });

  app.post<Params>('/staff/transfers/:id/outcome', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request, 'transfer_outcome');
    const scope = await supervisedUnitIds(db, request.staff!.unit.id);
    return fromList(request, reply, t, 'outcome', () => svc.recordOutcome(deps, request.staff!, t, request.body?.outcome ?? '', scope));
  });

  app.post<Params>('/staff/transfers/:id/return', { preHandler: requireStaff() }, async (request, reply) => {
    const t = await load(request, 'transfer_return');
    return fromList(request, reply, t, 'reason', () => svc.returnTransfer(deps, request.staff!, t, request.body?.reason ?? ''));
  });
}

function back(kind: string, t: svc.Transfer): string {
  return kind === 'department' ? '/staff/transfers' : `/staff/reports/${t.reportId}`;
}
