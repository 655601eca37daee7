// The staff actions on one report: POST /staff/reports/:id/:action. Each is checked in this order:
// the report is visible to the user (else 404), the user's relation to it allows the action (else
// 403, permissions.ts), then the action checks the report's state and its input (409 or 400) and
// writes the change with its event and audit entry. A refused action changes nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { AppError, notFound } from '../../../shared/errors.js';
import * as repo from '../../repository.js';
import { supervisedUnitIds } from '../../../units/index.js';
import { visibleReport, visibleReportByCaseNo } from '../scope.js';
import { assignableUnits, assignableUsers } from '../report-view.js';
import { allows, authorize, isReportAction, type ReportAction } from '../permissions.js';
import { relationOf } from '../relation.js';
import * as wf from '../workflow.js';
import * as sup from '../supervision.js';
import { notifyAssignee } from '../notify.js';
import { assigningOfficers, assignmentExtensionOf, decideAssignmentExtension, requestAssignmentExtension } from '../assignment.js';
import { findUser } from '../../../users/index.js';
import type { RenderReport } from './report.js';

type Body = Record<string, string | undefined>;
type Action = (ctx: { request: FastifyRequest; report: repo.Report; body: Body; scopeIds: number[] }) => Promise<unknown> | unknown;

export default async function actionRoutes(app: FastifyInstance, opts: { deps: Deps; render: RenderReport }) {
  const { deps, render } = opts;
  const { db } = deps;

  // Typed by the list of actions in permissions.ts: an action without a rule there does not compile.
  const actions: Record<ReportAction, Action> = {
    accept: ({ request, report }) => wf.accept(deps, request.staff!, report),
    reject: ({ request, report, body }) => wf.reject(deps, request.staff!, report, body.reason ?? ''),
    merge: async ({ request, report, body }) => {
      // Into a report this user may see and whose handling unit is theirs too; an unknown case
      // number and one out of reach get the same answer, so the form tells nobody what exists.
      const into = await visibleReportByCaseNo(db, request.staff!, body.into ?? '');
      if (!into || !allows('merge', request.staff!, await relationOf(deps, request.staff!, into), into)) throw new wf.TransitionError('merge_target');
      return wf.merge(deps, request.staff!, report, into);
    },
    assign: async ({ request, report, body }) => {
      const unitsOk = await assignableUnits(db, request.staff!, report);
      const unitId = Number(body.unit_id);
      const assignee = (await assignableUsers(db, [unitId], report)).find((u) => u.id === Number(body.assignee_id));
      if (!unitsOk.some((u) => u.id === unitId) || !assignee) throw new wf.TransitionError('assignee_invalid');
      // The 交办期限 is checked by the workflow (a real date, not past, not after the legal one).
      const changed = await wf.assign(deps, request.staff!, report, { unitId, assigneeId: assignee.id, due: body.due ?? '' });
      await notifyAssignee(deps, assignee, changed, 'assigned');
      return changed;
    },
    return: ({ request, report, body }) => wf.returnAssignment(deps, request.staff!, report, body.reason ?? ''),
    start: ({ request, report }) => wf.start(deps, request.staff!, report),
    extension: ({ request, report, body }) => wf.requestExtension(deps, request.staff!, report, Number(body.days), body.reason ?? ''),
    extension_decision: ({ request, report, body }) => wf.decideExtension(deps, request.staff!, report, body.decision === 'approve'),
    // Issue 19 item 2: more time for the assignment; the assigning unit is told in-app and by mail.
    assignment_extension: async ({ request, report, body }) => {
      const changed = await requestAssignmentExtension(deps, request.staff!, report, body.assignment_due, body.assignment_reason ?? '');
      for (const officer of await assigningOfficers(deps, changed)) if (officer.id !== request.staff!.user.id) await notifyAssignee(deps, officer, changed, 'assignment_extension_requested');
      return changed;
    },
    assignment_extension_decision: async ({ request, report, body }) => {
      const asked = assignmentExtensionOf(report);
      const changed = await decideAssignmentExtension(deps, request.staff!, report, body.decision === 'approve', body.decision_reason ?? '');
      const requester = asked ? await findUser(db, asked.by) : undefined;
      if (requester && !requester.disabled) await notifyAssignee(deps, requester, changed, 'assignment_extension_decided');
      return changed;
    },
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
    hearing: ({ request, report, body }) => sup.hearing(deps, request.staff!, report, body.step === 'end' ? 'end' : 'start', body.note ?? ''),
    hasten: ({ request, report, body, scopeIds }) => sup.hasten(deps, request.staff!, report, body.note ?? '', scopeIds),
    acknowledge: ({ request, report }) => sup.acknowledgeHastening(deps, request.staff!, report),
    take_over: ({ request, report, scopeIds }) => sup.takeOver(deps, request.staff!, report, scopeIds),
    message: ({ request, report, body }) => wf.staffMessage(deps, request.staff!, report, body.body ?? '', body.internal === '1'),
  };

  app.post<{ Params: { id: string; action: string }; Body: Body }>('/staff/reports/:id/:action', { preHandler: requireStaff() }, async (request, reply) => {
    const name = request.params.action;
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report || !isReportAction(name)) throw notFound();
    const scopeIds = await supervisedUnitIds(db, request.staff!.unit.id);
    try {
      await authorize(deps, request.staff!, report, name);
      await actions[name]({ request, report, body: request.body ?? {}, scopeIds });
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) {
        return render(request, reply, (await repo.findReport(db, report.id))!, { actionError: err.messageKey, values: request.body, failedAction: name }, err.statusCode);
      }
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=${name}`, 303);
  });
}
