// /staff/admin/audit: browsing the audit log with filters, verifying its MAC chain and archives,
// and the audit administrator's exports (the live log, an archive file and its SM2 signature). Only audit_admin reaches
// these routes; exports cover everyone's entries, so only an administrator of the top unit exports.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { archiveFile, liveLogStream, latestEntry, record, signatureFileName } from '../../audit/index.js';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { archiveList, auditQueryString, browseAudit, readAuditQuery, verifyAudit, type VerifyOutcome } from '../audit-browse.js';
import { adminScope } from '../scope.js';
import { rowIdOf } from '../../db/dialect.js';
import { SM2_PUBLIC_KEY_PATH } from '../../shared/crypto/index.js';

export default async function auditAdminRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const admin = { preHandler: requireStaff('audit_admin') };
  const audit = (request: FastifyRequest, action: string, object: { type: string; id: string | number }, detail: Record<string, unknown>, result = 'ok') =>
    record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action, object, result, detail });

  async function render(request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply, verification: VerifyOutcome | null = null) {
    const scope = await adminScope(deps.db, request.staff!);
    const query = readAuditQuery(request.query ?? {});
    const before = rowIdOf(request.query?.before);
    const page = await browseAudit(deps.db, scope, query, before);
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
        archiveReason: verification?.archiveProblem ? `admin.audit.archive_reasons.${verification.archiveProblem.reason}` : null,
        archives: scope.top ? await archiveList(deps.db, deps.config.dataDir) : null,
        publicKeyHref: SM2_PUBLIC_KEY_PATH,
        onlineDays: deps.config.auditOnlineDays,
      },
      { layout: 'staff' },
    );
  }

  /** Exports hold every unit's entries: an audit administrator below the top unit may not take them. */
  async function requireTop(request: FastifyRequest) {
    if (!(await adminScope(deps.db, request.staff!)).top) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/admin/audit', admin, async (request, reply) => render(request, reply));

  // POST: it is an action (and audited), though it changes nothing but the log itself.
  app.post<{ Querystring: Record<string, string | undefined> }>('/staff/admin/audit/verify', admin, async (request, reply) => {
    const outcome = await verifyAudit(deps);
    const failed = outcome.broken !== null || outcome.archiveProblem !== null;
    await audit(
      request,
      'audit.verify',
      { type: 'audit_log', id: outcome.head?.id ?? 0 },
      {
        checked: outcome.checked,
        archives: outcome.archives,
        archived: outcome.archived,
        signed: outcome.signed,
        unsigned: outcome.unsigned.length,
        ...(outcome.broken ? { brokenAt: outcome.broken.id, reason: outcome.broken.reason } : {}),
        ...(outcome.archiveProblem ? { archive: outcome.archiveProblem.month, archiveReason: outcome.archiveProblem.reason } : {}),
      },
      failed ? 'broken' : 'ok',
    );
    if (failed) request.log.error({ broken: outcome.broken, archiveProblem: outcome.archiveProblem }, 'audit chain broken');
    return render(request, reply, outcome);
  });

  // The live log as JSON lines (the archive files' format), streamed page by page.
  app.get('/staff/admin/audit/export.jsonl', admin, async (request, reply) => {
    await requireTop(request);
    const head = await latestEntry(deps.db);
    await audit(request, 'audit.export', { type: 'audit_log', id: head?.id ?? 0 }, { what: 'live' });
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="audit-live-${stamp}.jsonl"`);
    reply.header('Cache-Control', 'no-store');
    return reply.send(await liveLogStream(deps.db));
  });

  // One archive file as written (its SHA-256 and last MAC are on the page to check the copy).
  app.get<{ Params: { id: string } }>('/staff/admin/audit/archives/:id', admin, async (request, reply) => {
    await requireTop(request);
    const archiveId = rowIdOf(request.params.id);
    const found = archiveId ? await archiveFile(deps.db, deps.config.dataDir, archiveId) : undefined;
    if (!found) throw notFound();
    if (!fs.existsSync(found.file)) {
      await audit(request, 'audit.export', { type: 'audit_archive', id: found.archive.id }, { what: 'archive', month: found.archive.month }, 'missing');
      throw notFound();
    }
    await audit(request, 'audit.export', { type: 'audit_archive', id: found.archive.id }, { what: 'archive', month: found.archive.month });
    reply.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${found.archive.fileName}"`);
    reply.header('Cache-Control', 'no-store');
    return reply.send(fs.createReadStream(found.file));
  });

  // Its detached SM2 signature (issue 23), to keep and hand on beside the file: with the key the site
  // publishes, whoever receives both checks them with openssl alone (src/audit/README.md). Archives
  // written before signatures have none: 404, as the page says.
  app.get<{ Params: { id: string } }>('/staff/admin/audit/archives/:id/signature', admin, async (request, reply) => {
    await requireTop(request);
    const archiveId = rowIdOf(request.params.id);
    const found = archiveId ? await archiveFile(deps.db, deps.config.dataDir, archiveId) : undefined;
    if (!found) throw notFound();
    const file = signatureFileName(found.file);
    const object = { type: 'audit_archive', id: found.archive.id };
    if (!fs.existsSync(file)) {
      await audit(request, 'audit.export', object, { what: 'signature', month: found.archive.month }, 'missing');
      throw notFound();
    }
    await audit(request, 'audit.export', object, { what: 'signature', month: found.archive.month });
    reply.header('Content-Type', 'application/octet-stream');
    reply.header('Content-Disposition', `attachment; filename="${path.basename(file)}"`);
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.send(fs.readFileSync(file));
  });
}
