// One report for staff: the page, evidence downloads and the printable answer; its actions (POST
// only) are in actions.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { AppError, notFound } from '../../../shared/errors.js';
import { decryptFromStore, findEvidence } from '../../../evidence/index.js';
import { record } from '../../../audit/index.js';
import * as repo from '../../repository.js';
import { visibleReport } from '../scope.js';
import { reportPageContext } from '../report-view.js';
import actionRoutes from './actions.js';
import { hasMessage } from '../../../i18n/translate.js';
import { answerTemplateChoices, answerTemplateText } from '../../answer-templates.js';
import { findUser } from '../../../users/index.js';
import { draftOf, returnedDraftOf } from '../workflow.js';
import { latestAnswerKind, staffDocumentLinks, staffDocumentPage } from '../../documents/index.js';

/** Renders the report page for this user, with extra context (an action's error and the input kept). */
export type RenderReport = (request: FastifyRequest, reply: FastifyReply, report: repo.Report, extra?: Record<string, unknown>, status?: number) => Promise<unknown>;

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
    const answerTemplates = await answerTemplateChoices(db, request.staff!.unit.id, report.category);
    // A draft the lead sent back opens the conclusion form again with its text and the lead's reason
    // (issue 19 item 9); input kept after a refused post (extra.values) wins over it.
    const returned = await returnedDraftOf(deps, report);
    const returnedDraft = returned ? { ...returned, byName: returned.by ? ((await findUser(db, returned.by))?.displayName ?? null) : null } : null;
    // Four eyes: the lead who wrote the waiting draft is not offered its approval.
    const ownDraft = draftOf(report)?.by === request.staff!.user.id;
    const prefill = returned ? { values: { finding: returned.finding, answer: returned.answer } } : {};
    // The written notices (告知书, 意见书, 移送函) this user may print for letters and visits.
    const documentLinks = await staffDocumentLinks(deps, request.staff!, report);
    return reply.page('reports/casework/report', { title: report.caseNo, csrfToken: reply.generateCsrf(), ...(await reportPageContext(deps, request.staff!, report)), answerTemplates, returnedDraft, ownDraft, documentLinks, ...prefill, ...extra }, { layout: 'staff', status });
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string; error?: string; template?: string } }>('/staff/reports/:id', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    // Every staff read of case content is audited (issue 15), one entry per page view.
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'report.view', object: { type: 'report', id: report.id } });
    const { done, error, template } = request.query;
    // A chosen answer template (GET link ?template=ID#conclude) prefills the answer without JavaScript.
    const chosen = template && /^\d{1,12}$/.test(template) ? await answerTemplateText(db, request.staff!.unit.id, Number(template)) : undefined;
    // Actions handled by other features (refer, transfer) redirect back here with their outcome.
    const actionError = error && /^[a-z_]+$/.test(error) && hasMessage(`casework.errors.${error}`) ? `casework.errors.${error}` : null;
    return render(request, reply, report, { done: done && /^[a-z_0-9]+$/.test(done) ? done : null, actionError, ...(chosen ? { values: { answer: chosen.body }, chosenTemplate: chosen.id } : {}) });
  });

  await app.register(actionRoutes, { deps, render });

  // Evidence: checked for scope, audited, always a download (never rendered inline).
  app.get<{ Params: { id: string; fileId: string } }>('/staff/reports/:id/files/:fileId', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const file = await findEvidence(db, Number(request.params.fileId));
    // An erased file (retention schedule) has a row but no content left to send.
    if (!file || file.erasedAt || file.ownerType !== 'report' || file.ownerId !== report.id) throw notFound();
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'evidence.download', object: { type: 'evidence', id: file.id }, detail: { report: report.id } });
    reply.header('Content-Type', 'application/octet-stream');
    reply.header('Content-Disposition', `attachment; filename="${report.caseNo}-${file.id}.${file.ext}"`);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'no-store');
    return reply.send(decryptFromStore(deps.dirs, deps.keys.files, file.storedName));
  });

  // 处理意见书 (信访工作条例 art. 32), or the review answer after it: the document of the written
  // answer, numbered and laid out by reports/documents (also at /staff/reports/:id/documents/:kind).
  app.get<{ Params: { id: string } }>('/staff/reports/:id/answer', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    const kind = await latestAnswerKind(deps, report);
    if (!kind) throw notFound();
    return staffDocumentPage(deps, request, reply, report, kind);
  });
}

export { AppError };
