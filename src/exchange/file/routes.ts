// /staff/exchange/file: the exchange file format for systems without the API — an export of the items
// in the user's scope (CSV, XLSX or JSON; a receipt window) and an all-or-nothing import.
// Open to leads and supervisors of a civil-affairs unit (county, city, province), checked here on the
// server; the export holds only the reports the user may see (recusal included), and an import files
// only into the user's unit and those below it. The upload form is multipart: its CSRF token travels
// in the action's query string.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { record } from '../../audit/index.js';
import { translate } from '../../i18n/translate.js';
import { requireStaff } from '../../plugins/auth.js';
import { visibleReportIds } from '../../reports/index.js';
import { parseDateInput } from '../../shared/date-input.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden } from '../../shared/errors.js';
import { supervisedUnitIds } from '../../units/index.js';
import { COLUMNS } from './format.js';
import { allowedWithLabels } from './labels.js';
import { formatDocHtml } from './format-doc.js';
import { CONTENT_TYPES, EXPORT_FORMATS, EXPORT_MAX_ITEMS, exportReportIds, itemBatches, writeExport, type ExportFormat } from './export.js';
import { importExchangeFile, type ImportOutcome, type ImportProblem } from './import.js';
import { MAX_FILE_BYTES } from './read-file.js';

type UploadError = 'not_multipart' | 'no_file' | 'too_large' | 'busy';
interface ExportForm {
  format?: string;
  from?: string;
  to?: string;
}

/** One import at a time in this process: an import reads the whole file and files item by item. */
let importing = false;

const DAY_MS = 86_400_000;
/** The start of a China calendar day, in milliseconds. */
const dayStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

export default async function exchangeFileRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  /** A lead or supervisor of a civil-affairs unit (a township government's staff export nothing here). */
  async function civilAffairs(request: FastifyRequest) {
    if (request.staff!.unit.kind !== 'civil_affairs') throw forbidden();
  }
  const guard = { preHandler: [requireStaff('lead', 'supervisor'), civilAffairs] };

  function renderPage(request: FastifyRequest, reply: FastifyReply, extra: { form?: ExportForm; exportError?: string; uploadError?: UploadError; problems?: ImportProblem[]; result?: Extract<ImportOutcome, { ok: true }> } = {}, status = 200) {
    const locale = request.locale;
    const problems = (extra.problems ?? []).map((p) => {
      // A coded column lists its codes with the reader's words for them (left_out（漏保、应保未保）).
      const allowed = p.message === 'not_one_of' && p.column ? allowedWithLabels(locale, p.column) : null;
      const params = allowed ? { ...p.params, allowed } : (p.params ?? {});
      return { row: p.row > 0 ? p.row : null, column: p.column, message: translate(locale, `exchange.file.errors.${p.message}`, params) };
    });
    return reply.page(
      'exchange/file',
      {
        titleKey: 'exchange.file.title',
        csrfToken: reply.generateCsrf(),
        formats: EXPORT_FORMATS,
        form: { format: extra.form?.format ?? 'xlsx', from: extra.form?.from ?? '', to: extra.form?.to ?? '' },
        exportError: extra.exportError ?? null,
        uploadError: extra.uploadError ?? null,
        maxMb: MAX_FILE_BYTES / 1048576,
        columns: COLUMNS,
        problems,
        problemCount: problems.length,
        result: extra.result ?? null,
        moreCases: extra.result ? extra.result.created - extra.result.createdCases.length : 0,
      },
      { layout: 'staff', status },
    );
  }

  app.get('/staff/exchange/file', guard, async (request, reply) => renderPage(request, reply));

  app.get('/staff/exchange/file/format', guard, async (request, reply) =>
    reply.page('exchange/format', { titleKey: 'exchange.file.format_doc.title', html: formatDocHtml(request.locale) }, { layout: 'staff' }),
  );

  app.get<{ Querystring: ExportForm }>('/staff/exchange/file/export', guard, async (request, reply) => {
    const form = { format: String(request.query.format ?? ''), from: String(request.query.from ?? ''), to: String(request.query.to ?? '') };
    const format = (EXPORT_FORMATS as readonly string[]).includes(form.format) ? (form.format as ExportFormat) : null;
    const from = form.from.trim() ? parseDateInput(form.from) : null;
    const to = form.to.trim() ? parseDateInput(form.to) : null;
    if (!format) return renderPage(request, reply, { form, exportError: 'bad_format' }, 422);
    if ((form.from.trim() && !from) || (form.to.trim() && !to)) return renderPage(request, reply, { form, exportError: 'bad_date' }, 422);
    if (from && to && from > to) return renderPage(request, reply, { form, exportError: 'bad_range' }, 422);
    const staff = request.staff!;
    const ids = await exportReportIds(deps.db, {
      unitIds: null,
      visible: (chosen) => visibleReportIds(deps.db, staff, chosen),
      from: from ? dayStart(from) : null,
      // The last day included: up to the start of the next one.
      to: to ? dayStart(to) + DAY_MS : null,
    });
    if (ids.length > EXPORT_MAX_ITEMS) return renderPage(request, reply, { form, exportError: 'too_many' }, 422);
    await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'exchange.file.export', object: { type: 'exchange_file', id: 0 }, detail: { format, items: ids.length, from, to } });
    const out = new PassThrough();
    writeExport(format, out, itemBatches(deps.db, deps.config, ids)).catch((err: unknown) => {
      request.log.error({ err }, 'exchange file export failed');
      out.destroy(err as Error);
    });
    const name = `exchange-${from ?? 'all'}-${to ?? 'now'}.${format}`;
    reply.header('Content-Type', CONTENT_TYPES[format]);
    reply.header('Content-Disposition', `attachment; filename="${name}"`);
    reply.header('Cache-Control', 'no-store');
    return reply.send(out);
  });

  app.post('/staff/exchange/file/import', guard, async (request, reply) => {
    if (!request.isMultipart()) return renderPage(request, reply, { uploadError: 'not_multipart' }, 400);
    const data = await request.file({ limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, fieldSize: 1024 }, throwFileSizeLimit: false });
    if (!data || !data.filename) {
      data?.file.resume();
      return renderPage(request, reply, { uploadError: 'no_file' }, 400);
    }
    const bytes = await data.toBuffer();
    if (data.file.truncated) return renderPage(request, reply, { uploadError: 'too_large' }, 413);
    if (importing) return renderPage(request, reply, { uploadError: 'busy' }, 503);
    importing = true;
    try {
      const unitIds = new Set(await supervisedUnitIds(deps.db, request.staff!.unit.id));
      const outcome = await importExchangeFile(deps, { staffId: request.staff!.user.id, unitIds }, bytes);
      if (!outcome.ok) return renderPage(request, reply, { problems: outcome.problems }, 422);
      return renderPage(request, reply, { result: outcome });
    } finally {
      importing = false;
    }
  });
}
