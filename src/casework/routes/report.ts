// One report for staff: the page, its actions (POST only), evidence downloads and the printable answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { decryptFromStore, findEvidence } from '../../evidence/index.js';
import { record } from '../../audit/index.js';
import * as repo from '../../reports/repository.js';
import { supervisedUnitIds } from '../../units/index.js';
import { visibleReport } from '../scope.js';
import { reportPageContext } from '../report-view.js';
import * as wf from '../workflow.js';
import * as sup from '../supervision.js';
import { notifyAssignee } from '../notify.js';
import { hasMessage } from '../../i18n/translate.js';
import { templateFor, templatesFor } from '../../templates/index.js';

type Body = Record<string, string | undefined>;
type Action = (ctx: { request: FastifyRequest; report: repo.Report; body: Body; scopeIds: number[] }) => Promise<unknown> | unknown;

export default async function reportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    return report;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, report: repo.Report, extra: Record<string, unknown> = {}, status = 200) {
    // 常用答复 for the conclude form: the user's unit's and the province's, for the report's category.
    const answerTemplates = templatesFor(db, request.staff!.unit.id, report.category).map((t) => ({ id: t.id, title: t.title, province: t.unitId === null }));
    return reply.page('casework/report', { title: report.caseNo, csrfToken: reply.generateCsrf(), ...(await reportPageContext(deps, request.staff!, report)), answerTemplates, ...extra }, { layout: 'staff', status });
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string; error?: string; template?: string } }>('/staff/reports/:id', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    // Every staff read of case content is audited (issue 15), one entry per page view.
    record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'report.view', object: { type: 'report', id: report.id } });
    const { done, error, template } = request.query;
    // A chosen answer template (GET link ?template=ID#conclude) prefills the answer without JavaScript.
    const chosen = template && /^\d{1,12}$/.test(template) ? templateFor(db, request.staff!.unit.id, Number(template)) : undefined;
    // Actions handled by other features (refer, transfer) redirect back here with their outcome.
    const actionError = error && /^[a-z_]+$/.test(error) && hasMessage(`casework.errors.${error}`) ? `casework.errors.${error}` : null;
    return render(request, reply, report, { done: done && /^[a-z_0-9]+$/.test(done) ? done : null, actionError, ...(chosen ? { values: { answer: chosen.body }, chosenTemplate: chosen.id } : {}) });
  });

  const actions: Record<string, Action> = {
    accept: ({ request, report }) => wf.accept(deps, request.staff!, report),
    reject: ({ request, report, body }) => wf.reject(deps, request.staff!, report, body.reason ?? ''),
    merge: async ({ request, report, body }) => {
      const into = db.select().from((await import('../../reports/tables.js')).reports).all().find((r) => r.caseNo === (body.into ?? '').trim());
      const visible = into ? await visibleReport(db, request.staff!, into.id) : undefined;
      if (!visible) throw new wf.TransitionError('merge_target');
      return wf.merge(deps, request.staff!, report, visible);
    },
    assign: async ({ request, report, body }) => {
      const { assignableUnits, assignableUsers } = await import('../report-view.js');
      const unitsOk = await assignableUnits(db, request.staff!, report);
      const unitId = Number(body.unit_id);
      const assignee = assignableUsers(db, [unitId], report).find((u) => u.id === Number(body.assignee_id));
      if (!unitsOk.some((u) => u.id === unitId) || !assignee) throw new wf.TransitionError('assignee_invalid');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(body.due ?? '')) throw new wf.TransitionError('due_required');
      const changed = wf.assign(deps, request.staff!, report, { unitId, assigneeId: assignee.id, due: body.due! });
      notifyAssignee(deps, assignee, changed, 'assigned');
      return changed;
    },
    return: ({ request, report, body }) => wf.returnAssignment(deps, request.staff!, report, body.reason ?? ''),
    start: ({ request, report }) => wf.start(deps, request.staff!, report),
    extension: ({ request, report, body }) => wf.requestExtension(deps, request.staff!, report, Number(body.days), body.reason ?? ''),
    extension_decision: ({ request, report, body }) => wf.decideExtension(deps, request.staff!, report, body.decision === 'approve'),
    conclude: ({ request, report, body }) => wf.draftConclusion(deps, request.staff!, report, body.finding as wf.Finding, body.answer ?? ''),
    approve_conclusion: ({ request, report, body }) => (body.decision === 'return' ? wf.returnDraft(deps, request.staff!, report, body.note ?? '') : wf.approveConclusion(deps, request.staff!, report)),
    close: ({ request, report }) => wf.close(deps, request.staff!, report),
    rectify: ({ request, report, body }) => {
      const items = [0, 1, 2]
        .map((i) => ({ problem: (body[`problem_${i}`] ?? '').trim(), measures: (body[`measures_${i}`] ?? '').trim(), responsiblePerson: (body[`person_${i}`] ?? '').trim(), deadline: (body[`deadline_${i}`] ?? '').trim() }))
        .filter((i) => i.problem);
      if (items.some((i) => !i.measures || !i.responsiblePerson || !/^\d{4}-\d{2}-\d{2}$/.test(i.deadline))) throw new wf.TransitionError('items_incomplete');
      return sup.startRectification(deps, request.staff!, report, items);
    },
    review_answer: ({ request, report, body }) => sup.answerReview(deps, request.staff!, report, body.outcome === 'reopened' ? 'reopened' : 'upheld', body.answer ?? ''),
    hasten: ({ request, report, body, scopeIds }) => {
      const changed = sup.hasten(deps, request.staff!, report, body.note ?? '', scopeIds);
      return changed;
    },
    acknowledge: ({ request, report }) => sup.acknowledgeHastening(deps, request.staff!, report),
    take_over: ({ request, report, scopeIds }) => sup.takeOver(deps, request.staff!, report, scopeIds),
    message: ({ request, report, body }) => wf.staffMessage(deps, request.staff!, report, body.body ?? '', body.internal === '1'),
  };

  app.post<{ Params: { id: string; action: string }; Body: Body }>('/staff/reports/:id/:action', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const action = actions[request.params.action];
    if (!action) throw notFound();
    const scopeIds = await supervisedUnitIds(db, request.staff!.unit.id);
    try {
      await action({ request, report, body: request.body ?? {}, scopeIds });
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) {
        return render(request, reply, repo.findReport(db, report.id)!, { actionError: err.messageKey, values: request.body, failedAction: request.params.action }, err.statusCode);
      }
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=${request.params.action}`, 303);
  });

  // Evidence: checked for scope, audited, always a download (never rendered inline).
  app.get<{ Params: { id: string; fileId: string } }>('/staff/reports/:id/files/:fileId', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const file = findEvidence(db, Number(request.params.fileId));
    // An erased file (retention schedule) has a row but no content left to send.
    if (!file || file.erasedAt || file.ownerType !== 'report' || file.ownerId !== report.id) throw notFound();
    record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'evidence.download', object: { type: 'evidence', id: file.id }, detail: { report: report.id } });
    reply.header('Content-Type', 'application/octet-stream');
    reply.header('Content-Disposition', `attachment; filename="${report.caseNo}-${file.id}.${file.ext}"`);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'no-store');
    return reply.send(decryptFromStore(deps.dirs, deps.keys.files, file.storedName));
  });

  // 处理意见书 (信访工作条例 art. 32): request, facts and reasons, opinion, legal basis; printable A4.
  app.get<{ Params: { id: string } }>('/staff/reports/:id/answer', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const answer = repo.eventsOf(db, report.id).filter((e) => e.type === 'answer' || e.type === 'review_answer').pop();
    if (!answer) throw notFound();
    record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'report.answer_view', object: { type: 'report', id: report.id } });
    const context = await reportPageContext(deps, request.staff!, report);
    return reply.page('casework/answer-print', { title: `${report.caseNo} 处理意见书`, ...context, answer }, { layout: 'print' });
  });
}

export { AppError };
