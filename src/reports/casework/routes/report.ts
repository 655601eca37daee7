// One report for staff: the page, evidence downloads, staff investigation material (upload, 可移送,
// download; issue 19 item 3, staff-files.ts) and the printable answer; its actions (POST only) are
// in actions.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { AppError, notFound } from '../../../shared/errors.js';
import { discardFiles, findEvidence, readUploadForm, sendDownload } from '../../../evidence/index.js';
import { record } from '../../../audit/index.js';
import * as repo from '../../repository.js';
import { visibleReport } from '../scope.js';
import { reportPageContext } from '../report-view.js';
import actionRoutes from './actions.js';
import { hasMessage } from '../../../i18n/translate.js';
import { answerTemplateChoices, answerTemplateText } from '../../answer-templates.js';
import { findUser } from '../../../users/index.js';
import { draftOf, returnedDraftOf } from '../workflow.js';
import { latestAnswerKind, staffDocumentPage } from '../../documents/index.js';
import { authorize } from '../permissions.js';
import { addStaffFiles, markForReferral, mayUploadNow, staffFileOf, staffFilesContext, staffUploadLimits, StaffFilesError, type StaffFilesForm } from '../staff-files.js';

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
    // Staff investigation material, for those who may read it (null: the page says nothing of it).
    // Its list is a view of third parties' material: audited by file id, whichever render shows it.
    const staffFiles = await staffFilesContext(deps, request.staff!, report, extra.staffFilesForm as StaffFilesForm | undefined);
    if (staffFiles && staffFiles.ids.length > 0) {
      await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'report.staff_files_view', object: { type: 'report', id: report.id }, detail: { files: staffFiles.ids } });
    }
    return reply.page('reports/casework/report', { title: report.caseNo, csrfToken: reply.generateCsrf(), ...(await reportPageContext(deps, request.staff!, report)), answerTemplates, returnedDraft, ownDraft, ...prefill, ...extra, staffFiles }, { layout: 'staff', status });
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
    return sendDownload(reply, { dirs: deps.dirs, key: deps.keys.files }, file, `${report.caseNo}-${file.id}.${file.ext}`);
  });

  // Staff investigation material (issue 19 item 3): the upload, through the citizen evidence
  // pipeline (sniffed, cleaned, limited, encrypted). Who may add it is asked before a byte is read; a
  // refused form comes back with the reason and the description typed, and leaves no file behind.
  app.post<{ Params: { id: string } }>('/staff/reports/:id/staff-files', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    await authorize(deps, request.staff!, report, 'staff_files');
    const refuse = (form: StaffFilesForm, status: number) => render(request, reply, report, { staffFilesForm: form }, status);
    if (!mayUploadNow(report)) return refuse({ error: 'casework.staff_files.errors.state' }, 409);
    if (!request.isMultipart()) return refuse({ error: 'casework.staff_files.errors.no_file', description: (request.body as Record<string, string> | undefined)?.description }, 400);
    const parsed = await readUploadForm(request, deps.dirs, await staffUploadLimits(deps, report));
    const description = parsed.fields.description ?? '';
    // One bad file refuses the upload whole (as the ledger does): the office re-sends a complete set.
    if (parsed.problems.length > 0 || parsed.dropped.length > 0) {
      discardFiles(parsed.files);
      return refuse({ problems: [...parsed.problems, ...parsed.dropped], dropped: parsed.files.map((f) => f.originalName), description }, 400);
    }
    try {
      await addStaffFiles(deps, request.staff!, report, parsed.files, description);
    } catch (err) {
      discardFiles(parsed.files);
      if (err instanceof StaffFilesError) return refuse({ error: err.messageKey, description }, err.statusCode);
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=staff_files#staff-files`, 303);
  });

  // 可移送: a staff file released for the referral packet, or taken back (audited in markForReferral).
  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/staff/reports/:id/staff-files/referral', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    await authorize(deps, request.staff!, report, 'staff_files_release');
    const body = request.body ?? {};
    const fileId = /^\d{1,12}$/.test(body.file ?? '') ? Number(body.file) : NaN;
    try {
      await markForReferral(deps, request.staff!, report, fileId, body.referral === '1');
    } catch (err) {
      if (err instanceof StaffFilesError) return render(request, reply, report, { staffFilesForm: { error: err.messageKey } }, err.statusCode);
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=staff_files_referral#staff-file-${fileId}`, 303);
  });

  // A staff file: for those who may read staff material only (403 before any file is looked up),
  // audited by file id, always a download; an erased file (retention) is gone.
  app.get<{ Params: { id: string; fileId: string } }>('/staff/reports/:id/staff-files/:fileId', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await load(request);
    await authorize(deps, request.staff!, report, 'staff_files_read');
    const file = /^\d{1,12}$/.test(request.params.fileId) ? await staffFileOf(deps, report, Number(request.params.fileId)) : undefined;
    if (!file || file.erasedAt) throw notFound();
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'report.staff_file_download', object: { type: 'evidence', id: file.id }, detail: { report: report.id } });
    return sendDownload(reply, { dirs: deps.dirs, key: deps.keys.files }, file, `${report.caseNo}-staff-${file.id}.${file.ext}`);
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
