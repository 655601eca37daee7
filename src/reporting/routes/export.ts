// A submission as a Word document (.docx, the format these offices exchange) and as an A4 print
// page. Same visibility as the submission page; out of scope is 404.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { findUnit } from '../../units/index.js';
import { buildDocument, toDocx } from '../document.js';
import { hasStatistics } from '../catalog.js';
import * as repo from '../repository.js';
import * as service from '../service.js';
import { rowIdOf } from '../../db/dialect.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export default async function exportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const id = rowIdOf(request.params.id) ?? 0;
    const sub = await repo.findSubmission(db, id);
    const task = sub ? await repo.findTask(db, sub.taskId) : undefined;
    const unit = sub ? await findUnit(db, sub.unitId) : undefined;
    if (!sub || !task || !unit || !(await service.mayView(db, request.staff!, task, unit))) throw notFound();
    const stats = hasStatistics(service.kindOf(task)) ? ((await service.figuresFor(db, task, [unit]))?.get(unit.id) ?? null) : null;
    return { sub, task, unit, doc: buildDocument(task, unit.name, sub, stats) };
  }

  app.get<{ Params: { id: string } }>('/staff/reporting/submissions/:id.docx', { preHandler: requireStaff() }, async (request, reply) => {
    const { sub, doc } = await load(request);
    const buffer = await toDocx(doc);
    const name = `${doc.unitName}-${doc.title}${doc.draft ? '-草稿' : ''}.docx`;
    reply.header('Content-Type', DOCX_TYPE);
    // An ASCII fallback name, and the Chinese one for browsers that read RFC 5987.
    reply.header('Content-Disposition', `attachment; filename="reporting-${sub.id}.docx"; filename*=UTF-8''${encodeURIComponent(name)}`);
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.send(buffer);
  });

  app.get<{ Params: { id: string } }>('/staff/reporting/submissions/:id/print', { preHandler: requireStaff() }, async (request, reply) => {
    const { sub, task, doc } = await load(request);
    reply.header('Cache-Control', 'no-store');
    return reply.page('reporting/print', { title: doc.title, doc, backHref: `/staff/reporting/${task.id}/${sub.unitId}`, docxHref: `/staff/reporting/submissions/${sub.id}.docx` }, { layout: 'print' });
  });
}
