// The public report form: GET renders it, POST (multipart) files the report or brings the form
// back with messages and the person's input kept. Abuse limits (issue 16) are in upload-gate.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { discardFiles, isDiskFull, logFfmpegChoice, readUploadForm, type ParsedForm } from '../../evidence/index.js';
import { randomToken } from '../../shared/crypto.js';
import type { Deps } from '../../shared/deps.js';
import { childrenOf, findRegion, isPlaceRefresh } from '../../regions/index.js';
import { emptyForm, reportFormContext, type FormState } from '../form-view.js';
import { fileReport, repeatGivesCodeBack } from '../filing.js';
import { validateReport } from '../validate.js';
import { confirmationContext } from '../confirmation.js';
import { abandoned, isMultipartPost, uploadGate } from './upload-gate.js';
import { rowIdOf } from '../../db/dialect.js';

const NONCE = /^[A-Za-z0-9_-]{32}$/;

/** 507 Insufficient Storage: the form comes back with its text and one clear message. */
const DISK_FULL_STATUS = 507;

/**
 * What the receipt says under what was not received. A repeat whose code is no longer shown, or of
 * a report no longer taking files: the tracking page with the code written down, else the hotline.
 * Files refused because the text sent with them changed: the report keeps what was sent first; add
 * to it from the tracking page. Files dropped for load: "try again in an hour"; refused for what
 * they are: "send another".
 */
function howToAddLater(problems: string[], codeShown: boolean): string {
  if (!codeShown || problems.includes('repeat_closed')) return 'report.dropped.how_repeat';
  if (problems.includes('repeat_changed')) return 'report.dropped.how_changed';
  if (problems.some((p) => p === 'busy' || p === 'limited')) return 'report.dropped.how';
  return 'report.dropped.how_fix';
}

export default async function filingRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const limits = {
    maxFiles: deps.config.upload.maxFiles,
    maxFileMb: Math.round(deps.config.upload.maxFileBytes / 1048576),
    maxTotalMb: Math.round(deps.config.upload.maxReportBytes / 1048576),
  };
  const gate = uploadGate(app, deps);
  // Which ffmpeg cleans uploads, once at start: a warning when it is the old bundled build.
  app.addHook('onReady', async () => logFfmpegChoice(app.log));

  async function renderForm(request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
    if (!NONCE.test(state.values.submission_id ?? '')) state.values.submission_id = randomToken(24);
    const csrfToken = reply.generateCsrf();
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'reports/form',
      // The nonce rides in the action too, where it can be read before the body (admit, below).
      { titleKey: 'report.title', csrfToken, formAction: '/report', formNonce: state.values.submission_id, ...(await reportFormContext(deps.db, state, limits)), scripts: ['/static/js/report-form.js', '/static/js/voice-report.js'] },
      { status },
    );
  }

  app.get<{ Querystring: Record<string, string> }>('/report', async (request, reply) => {
    const q = request.query;
    // Links from a public list prefill the category and place (对此有异议); never personal data.
    const values: Record<string, string> = {};
    for (const k of ['category', 'prefecture', 'county', 'township', 'village', 'objection']) if (typeof q[k] === 'string') values[k] = q[k].slice(0, 20);
    return renderForm(request, reply, emptyForm(values));
  });

  /**
   * The form came back from one of our pages with an expired token (left open too long): show it
   * again with what was typed and a fresh token, file nothing (issue 20 item 4). Files are drained
   * unread (no file is kept from a post without a valid token): they are named to be picked again.
   */
  async function keepExpiredForm(request: FastifyRequest, reply: FastifyReply) {
    const parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: 1, maxFiles: 0, maxTotalBytes: 0 });
    discardFiles(parsed.files);
    const { _csrf: _token, ...values } = parsed.fields;
    const state: FormState = { values, errors: { submit: 'report.errors.page_expired' }, fileProblems: [], droppedFiles: [...parsed.problems, ...parsed.dropped].map((p) => p.name) };
    return renderForm(request, reply, state, 403);
  }

  /**
   * Whether this post repeats a form already filed whose code it would bring back: it files nothing,
   * so the address's allowance of filings does not count it. The nonce in the body decides; the one
   * in the form's action only lets such a post past the wait before its body is read (a stranger's
   * nonce there gets a body read, and then the same refusal).
   */
  const repeats = async (nonce: unknown) => typeof nonce === 'string' && NONCE.test(nonce) && (await repeatGivesCodeBack(deps, nonce));

  /** Before the body is read: a client that filed too much just now, or too many uploads at once. */
  async function admit(request: FastifyRequest<{ Querystring: { submission?: unknown } }>, reply: FastifyReply) {
    if (!isMultipartPost(request)) return;
    const wait = await gate.filingsWait(request);
    if (wait > 0 && !(await repeats(request.query.submission))) return await gate.refuse(request, reply, 'filings', wait);
    return gate.admitUpload(request, reply);
  }

  app.post('/report', { onRequest: admit, config: { keepFormOnExpiredToken: true } }, async (request, reply) => {
    if (!request.isMultipart()) return renderForm(request, reply, emptyForm(), 400);
    if (request.csrfExpired) return keepExpiredForm(request, reply);
    let parsed: ParsedForm;
    try {
      parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: deps.config.upload.maxFileBytes, maxFiles: deps.config.upload.maxFiles, maxTotalBytes: deps.config.upload.maxReportBytes, ...gate.limitsFor(request) });
    } catch (err) {
      if (abandoned(request, reply)) return reply;
      if ((err as { code?: string }).code === 'FST_FILES_LIMIT') {
        return renderForm(request, reply, { ...emptyForm(), fileProblems: [{ name: '', problem: 'too_many' }] }, 400);
      }
      throw err;
    }
    const f = parsed.fields;
    const state: FormState = { values: f, errors: {}, fileProblems: parsed.problems, droppedFiles: [] };
    /** Every file of a form that comes back must be picked again, kept or dropped unopened. */
    const allNames = () => [...parsed.files.map((x) => x.originalName), ...parsed.dropped.map((d) => d.name)];
    // "Show the next level" without JavaScript: re-render with the place chosen so far.
    if (isPlaceRefresh(f)) {
      discardFiles(parsed.files);
      state.droppedFiles = allNames();
      state.fileProblems = [];
      return renderForm(request, reply, state);
    }
    // The description may be empty only when a recording comes with it, in this request: a staged
    // text (files to follow) is filed before its files arrive, and would stay empty if the recording
    // were then refused (the page's script sends a recording-only report whole).
    const hasAudio = parsed.files.some((x) => x.sniff.kind === 'audio');
    const { input, errors } = await validateReport(deps.db, f, hasAudio);
    // Sent again after a lost answer: the receipt comes back whatever this address filed since.
    const repeat = await repeats(f.submission_id);
    // The texts (issue 24) go out in the language the reporter filed in, sealed with the number.
    if (input?.identity?.mobile) input.identity.smsLocale = request.locale;
    state.errors = errors;
    // This client's budget of filings with files is spent: the files were read and dropped
    // unopened; the text comes back, to send now without files (and add them later) or later with them.
    // A repeat is not held back for its files: its receipt names them as not received.
    if (!repeat && parsed.dropped.some((d) => d.problem === 'limited')) {
      discardFiles(parsed.files);
      state.errors = { ...errors, evidence: 'report.errors.files_limited' };
      state.droppedFiles = allNames();
      return renderForm(request, reply, state, 429);
    }
    // A full disk: one message for the whole form instead of one per file; every file must be picked again.
    const diskFull = parsed.problems.filter((p) => p.problem === 'disk_full');
    if (diskFull.length > 0) {
      discardFiles(parsed.files);
      state.errors = { ...errors, evidence: 'report.errors.disk_full' };
      state.fileProblems = parsed.problems.filter((p) => p.problem !== 'disk_full');
      state.droppedFiles = [...allNames(), ...diskFull.map((p) => p.name)];
      return renderForm(request, reply, state, DISK_FULL_STATUS);
    }
    // Only some files could not be taken (type, size, count, damaged): the report is filed with the
    // good ones and the confirmation names each refused file, why and the limits (issue 20 item 1).
    // Refusing the whole report made a villager pick ten good files again for one bad one.
    const onlyFileProblems = parsed.problems.every((p) => p.problem !== 'disk_full');
    if (!input || !onlyFileProblems || !NONCE.test(f.submission_id ?? '')) {
      discardFiles(parsed.files);
      state.droppedFiles = allNames();
      return renderForm(request, reply, state, 400);
    }
    // Counted only once a report is about to be filed, so a form brought back costs nothing.
    if (!repeat && !(await gate.chargeFiling(request))) {
      discardFiles(parsed.files);
      state.errors = { submit: 'report.errors.too_many_filings' };
      state.droppedFiles = allNames();
      return renderForm(request, reply, state, 429);
    }
    let filed: Awaited<ReturnType<typeof fileReport>>;
    try {
      filed = await fileReport(deps, input, parsed.files, { channel: 'online', nonce: f.submission_id!, objectionEntryId: rowIdOf(f.objection) ?? null });
    } catch (err) {
      // Plaintext uploads not yet encrypted must not wait in tmp/ for the next start.
      discardFiles(parsed.files);
      if (!isDiskFull(err)) throw err;
      request.log.error({ err }, 'report not filed: the disk is full');
      state.errors = { evidence: 'report.errors.disk_full' };
      state.droppedFiles = allNames();
      return renderForm(request, reply, state, DISK_FULL_STATUS);
    }
    // With JavaScript and files chosen, the text comes first and the files follow one by one
    // (slow connections lose no text): the page opens a follow-up session for this report only,
    // exactly as entering its query code would, and the files go to /track/files. Only while the
    // page shows the code: past the repeat window the nonce opens nothing the code would.
    if (f.staged === '1' && parsed.files.length === 0 && filed.queryCode) {
      await request.session.regenerate();
      request.session.track = { reportId: filed.report.id, lastSeen: Date.now() };
    }
    reply.header('Cache-Control', 'no-store');
    // Files dropped unopened because everyone's evidence budget was spent, or refused for their
    // type or size: the report is filed without them and the receipt names each one, why, and how to
    // add it (or another) from the tracking page. On a repeat, also the files not attached to the
    // report filed before. A changed text (the report keeps the first one) is not a file: the page
    // says so in a notice of its own near the top (repeatChanged).
    const notReceived = [...parsed.problems, ...parsed.dropped, ...filed.notAttached];
    const notReceivedHow = howToAddLater(notReceived.map((p) => p.problem), filed.queryCode !== '');
    return reply.page('reports/confirmation', { titleKey: 'report.confirm_title', scripts: ['/static/js/report-form.js'], ...(await confirmationContext(deps, filed)), repeatChanged: filed.changed, notReceived, notReceivedHow });
  });

  // For the form's script: the children of a region, as JSON (public data).
  app.get<{ Params: { code: string } }>('/regions/:code/children', async (request, reply) => {
    const region = await findRegion(deps.db, request.params.code);
    if (!region || region.level === 'village') return reply.code(404).send([]);
    const rows = await childrenOf(deps.db, region.code);
    reply.header('Cache-Control', 'public, max-age=86400');
    return rows.map((r) => ({ code: r.code, name: r.name }));
  });
}
