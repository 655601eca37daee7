// Staff log reports that arrive by phone, visit or letter (来电/来访/来信), or forwarded by 12345, the
// 信访局 or a higher office (issue 19 item 12): the same form and rules as online filing, with the
// source, the forwarding body's 来文号 and the day the office actually received it (the legal clocks
// run from that day). The caller gets the query code read out or printed; the confirmation lists
// earlier reports that may be the same complaint, for the clerk to merge if they are.
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
import { todayInChina } from '../../../clocks/index.js';
import { FALLBACK_LOCALE, isLocale, translate } from '../../../i18n/translate.js';
import { intakeFormContext, readIntake, repeatHints } from '../intake.js';

export default async function logReportRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const limits = { maxFiles: deps.config.upload.maxFiles, maxFileMb: Math.round(deps.config.upload.maxFileBytes / 1048576), maxTotalMb: Math.round(deps.config.upload.maxReportBytes / 1048576) };
  const roles = ['intake', 'handler', 'lead', 'supervisor'] as const;

  async function render(request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
    state.values.submission_id ??= randomToken(24);
    state.values.source ??= 'call';
    state.values.received_on ??= todayInChina();
    return reply.page(
      'reports/form',
      { titleKey: 'casework.log.title', csrfToken: reply.generateCsrf(), formAction: '/staff/reports/new', staffLogging: true, intake: intakeFormContext(), ...(await reportFormContext(deps.db, state, limits)) },
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
    // The caller's texts in the language the clerk chose for them (the form offers the site's), else Chinese.
    if (input?.identity?.mobile) input.identity.smsLocale = isLocale(f.reporter_sms_locale) ? f.reporter_sms_locale : FALLBACK_LOCALE;
    const intake = readIntake(f);
    state.errors = { ...errors, ...intake.errors };
    if (!input || !intake.value || Object.keys(state.errors).length > 0 || parsed.problems.length > 0) {
      discardFiles(parsed.files);
      return render(request, reply, { ...state, droppedFiles: parsed.files.map((x) => x.originalName) }, 400);
    }
    const { source, channel, sourceRef, receivedAt } = intake.value;
    const filed = await fileReport(deps, input, parsed.files, { channel, source, sourceRef, receivedAt, nonce: /^[A-Za-z0-9_-]{32}$/.test(f.submission_id ?? '') ? f.submission_id! : null, staffId: request.staff!.user.id });
    const hints = await repeatHints(deps.db, request.staff!, filed.report);
    // The same form sent again (same nonce): the first report comes back unchanged. The clerk is told
    // when what was sent this time differs (the text, or source, 来文号 or day received: filed.changed)
    // or brought files, as none of it was saved, and where to add it.
    const notSaved = filed.notAttached.map((x) => x.name);
    const staffRepeat = filed.repeated && (filed.changed || notSaved.length > 0)
      ? { changed: filed.changed, files: notSaved.join(translate(request.locale, 'report.files.name_separator')) }
      : null;
    return reply.page(
      'reports/confirmation',
      { titleKey: 'report.confirm_title', staffLogged: true, staffRepeat, reportId: filed.report.id, repeatHints: hints, scripts: ['/static/js/report-form.js'], ...(await confirmationContext(deps, filed)) },
      { layout: 'staff' },
    );
  });
}
