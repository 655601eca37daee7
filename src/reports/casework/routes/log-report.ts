// Staff log reports that arrive by phone, visit or letter (来电/来访/来信): the same form and rules
// as online filing, with the channel recorded; the caller gets the query code read out or printed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../../plugins/auth.js';
import type { Deps } from '../../../shared/deps.js';
import { discardFiles, readUploadForm } from '../../../evidence/index.js';
import { randomToken } from '../../../shared/crypto.js';
import { emptyForm, reportFormContext, type FormState } from '../../form-view.js';
import { fileReport } from '../../filing.js';
import { validateReport } from '../../validate.js';
import { confirmationContext } from '../../confirmation.js';
import { isPlaceRefresh } from '../../../regions/index.js';

const STAFF_CHANNELS = ['phone', 'visit', 'letter'] as const;
type StaffChannel = (typeof STAFF_CHANNELS)[number];

export default async function logReportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const limits = { maxFiles: deps.config.upload.maxFiles, maxFileMb: Math.round(deps.config.upload.maxFileBytes / 1048576), maxTotalMb: Math.round(deps.config.upload.maxReportBytes / 1048576) };
  const roles = ['intake', 'handler', 'lead', 'supervisor'] as const;

  async function render(request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
    state.values.submission_id ??= randomToken(24);
    state.values.channel ??= 'phone';
    return reply.page(
      'reports/form',
      { titleKey: 'casework.log.title', csrfToken: reply.generateCsrf(), formAction: '/staff/reports/new', staffLogging: true, staffChannels: STAFF_CHANNELS, ...(await reportFormContext(deps.db, state, limits)) },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: Record<string, string> }>('/staff/reports/new', { preHandler: requireStaff(...roles) }, async (request, reply) => {
    const values: Record<string, string> = {};
    for (const k of ['prefecture', 'county', 'township']) if (typeof request.query[k] === 'string') values[k] = request.query[k].slice(0, 12);
    return render(request, reply, emptyForm(values));
  });

  app.post('/staff/reports/new', { preHandler: requireStaff(...roles) }, async (request, reply) => {
    if (!request.isMultipart()) return render(request, reply, emptyForm(), 400);
    const parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: deps.config.upload.maxFileBytes, maxFiles: deps.config.upload.maxFiles, maxTotalBytes: deps.config.upload.maxReportBytes });
    const f = parsed.fields;
    const state: FormState = { values: f, errors: {}, fileProblems: parsed.problems, droppedFiles: [] };
    if (isPlaceRefresh(f)) {
      discardFiles(parsed.files);
      return render(request, reply, { ...state, fileProblems: [], droppedFiles: parsed.files.map((x) => x.originalName) });
    }
    const { input, errors } = await validateReport(deps.db, f, parsed.files.some((x) => x.sniff.kind === 'audio'));
    if (!(STAFF_CHANNELS as readonly string[]).includes(f.channel ?? '')) errors.channel = 'casework.log.channel_required';
    state.errors = errors;
    if (!input || Object.keys(errors).length > 0 || parsed.problems.length > 0) {
      discardFiles(parsed.files);
      return render(request, reply, { ...state, droppedFiles: parsed.files.map((x) => x.originalName) }, 400);
    }
    const filed = await fileReport(deps, input, parsed.files, { channel: f.channel as StaffChannel, nonce: /^[A-Za-z0-9_-]{32}$/.test(f.submission_id ?? '') ? f.submission_id! : null, staffId: request.staff!.user.id });
    return reply.page('reports/confirmation', { titleKey: 'report.confirm_title', staffLogged: true, reportId: filed.report.id, scripts: ['/static/js/report-form.js'], ...(await confirmationContext(deps, filed)) }, { layout: 'staff' });
  });
}
