// The written notices as A4 print pages and Word files: staff for any report they see (the scope of
// every staff report route, casework's visibleReport), the reporter for their own report behind the
// tracking session, only the documents meant for them. Beside each Word file, its signed copy
// (signed-copy.ts: a ZIP of the Word file and its SM2-signed manifest).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import { VIEWS_DIR } from '../../plugins/views.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { visibleReport } from '../casework/index.js';
import * as reports from '../repository.js';
import { toDocx } from './document.js';
import { isDocumentKind, type DocumentKind } from './numbering.js';
import { issueDocument, type IssuedDocument } from './service.js';
import { signedCopy } from './signed-copy.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The print layout's style sheet is shared; the GB/T 9704 page of a notice is this one (CSP: no inline styles). */
export const DOCUMENT_CSS_PATH = '/documents/official-document.css';

function kindOf(value: string): DocumentKind {
  if (!isDocumentKind(value)) throw notFound();
  return value;
}

async function sendDocx(reply: FastifyReply, issued: IssuedDocument, caseNo: string) {
  const { doc } = issued;
  const buffer = await toDocx(doc);
  reply.header('Content-Type', DOCX_TYPE);
  // An ASCII fallback name, and the Chinese one for browsers that read RFC 5987.
  reply.header('Content-Disposition', `attachment; filename="${caseNo}-${doc.kind}.docx"; filename*=UTF-8''${encodeURIComponent(`${doc.title}-${doc.number}.docx`)}`);
  reply.header('Cache-Control', 'no-store');
  reply.header('X-Content-Type-Options', 'nosniff');
  return reply.send(buffer);
}

async function sendSigned(deps: Deps, reply: FastifyReply, issued: IssuedDocument, caseNo: string) {
  const zip = await signedCopy(deps, issued, caseNo);
  reply.header('Content-Type', 'application/zip');
  reply.header('Content-Disposition', `attachment; filename="${caseNo}-${issued.doc.kind}-signed.zip"; filename*=UTF-8''${encodeURIComponent(`${issued.doc.title}-${issued.doc.number}-签名件.zip`)}`);
  reply.header('Cache-Control', 'no-store');
  reply.header('X-Content-Type-Options', 'nosniff');
  return reply.send(zip);
}

function sendPrint(reply: FastifyReply, issued: IssuedDocument, backHref: string, docxHref: string) {
  reply.header('Cache-Control', 'no-store');
  const signedHref = docxHref.replace(/\.docx$/, '/signed.zip');
  return reply.page('reports/documents/print', { title: `${issued.doc.title} ${issued.doc.number}`, doc: issued.doc, backHref, docxHref, signedHref, cssHref: DOCUMENT_CSS_PATH, nameLeftOut: issued.nameLeftOut }, { layout: 'print' });
}

/** The staff print page of one document of a report already checked visible (the old answer route calls it too). */
export async function staffDocumentPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, report: reports.Report, kind: DocumentKind) {
  const issued = await issueDocument(deps, report, kind, { staff: request.staff! }, 'print');
  return sendPrint(reply, issued, `/staff/reports/${report.id}`, `/staff/reports/${report.id}/documents/${kind}.docx`);
}

export default async function documentRoutesPlugin(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const css = fs.readFileSync(path.join(VIEWS_DIR, 'reports/documents/official-document.css'));
  const idleMs = deps.config.trackIdleMinutes * 60_000;

  app.get(DOCUMENT_CSS_PATH, async (_request, reply) => {
    reply.header('Content-Type', 'text/css; charset=utf-8');
    reply.header('Cache-Control', 'public, max-age=3600');
    return reply.send(css);
  });

  async function staffReport(request: FastifyRequest<{ Params: { id: string } }>) {
    const report = /^\d{1,12}$/.test(request.params.id) ? await visibleReport(deps.db, request.staff!, Number(request.params.id)) : undefined;
    if (!report) throw notFound();
    return report;
  }

  app.get<{ Params: { id: string; kind: string } }>('/staff/reports/:id/documents/:kind.docx', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await staffReport(request);
    const issued = await issueDocument(deps, report, kindOf(request.params.kind), { staff: request.staff! }, 'docx');
    return sendDocx(reply, issued, report.caseNo);
  });

  app.get<{ Params: { id: string; kind: string } }>('/staff/reports/:id/documents/:kind/signed.zip', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await staffReport(request);
    const issued = await issueDocument(deps, report, kindOf(request.params.kind), { staff: request.staff! }, 'signed');
    return sendSigned(deps, reply, issued, report.caseNo);
  });

  app.get<{ Params: { id: string; kind: string } }>('/staff/reports/:id/documents/:kind', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await staffReport(request);
    return staffDocumentPage(deps, request, reply, report, kindOf(request.params.kind));
  });

  /** The report of the tracking session (routes/track.ts), or null when there is none or it went idle. */
  async function trackedReport(request: FastifyRequest): Promise<reports.Report | null> {
    const track = request.session.track;
    if (!track || Date.now() - track.lastSeen > idleMs) return null;
    return (await reports.findReport(deps.db, track.reportId)) ?? null;
  }

  app.get<{ Params: { kind: string } }>('/track/documents/:kind.docx', async (request, reply) => {
    const report = await trackedReport(request);
    if (!report) return reply.redirect('/track', 303);
    const issued = await issueDocument(deps, report, kindOf(request.params.kind), { reporter: true }, 'docx');
    return sendDocx(reply, issued, report.caseNo);
  });

  app.get<{ Params: { kind: string } }>('/track/documents/:kind/signed.zip', async (request, reply) => {
    const report = await trackedReport(request);
    if (!report) return reply.redirect('/track', 303);
    const issued = await issueDocument(deps, report, kindOf(request.params.kind), { reporter: true }, 'signed');
    return sendSigned(deps, reply, issued, report.caseNo);
  });

  app.get<{ Params: { kind: string } }>('/track/documents/:kind', async (request, reply) => {
    const report = await trackedReport(request);
    if (!report) return reply.redirect('/track', 303);
    const kind = kindOf(request.params.kind);
    const issued = await issueDocument(deps, report, kind, { reporter: true }, 'print');
    return sendPrint(reply, issued, '/track/report#documents', `/track/documents/${kind}.docx`);
  });
}
