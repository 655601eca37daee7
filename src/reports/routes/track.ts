// /track: the reporter enters the query code and gets a short-lived session for that one report.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readUploadForm, discardFiles, isDiskFull } from '../../evidence/index.js';
import type { Deps } from '../../shared/deps.js';
import { GrowingDelay } from '../../shared/rate-limit.js';
import { translate } from '../../i18n/translate.js';
import { isRating } from '../catalog.js';
import * as repo from '../repository.js';
import * as tracking from '../tracking.js';
import { doneNotice, trackPageContext } from '../track-view.js';
import { validateIdentity } from '../validate.js';
import { sealJson, unsealJson } from '../../shared/crypto.js';
import { abandoned, uploadGate } from './upload-gate.js';

const WINDOW_MS = 15 * 60_000;

/** The tracking page's notice after an upload: the files received now, and those the report already held. */
function filesNotice(received: { name: string; cleaned: boolean }[], already: string[]): Record<string, unknown> {
  return { ...(received.length > 0 ? { done: { kind: 'files', files: received } } : {}), ...(already.length > 0 ? { filesAlready: already } : {}) };
}

export default async function trackRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  // Free wrong codes per address and window, then a doubling wait (issue 20 item 8), at most the
  // window; counted across app nodes, so guesses spread over nodes meet one limit.
  const guesses = new GrowingDelay(app.counters, 'query-code', deps.config.trackAttemptsPerWindow * deps.config.rateLimitFactor, WINDOW_MS, WINDOW_MS);
  const idleMs = deps.config.trackIdleMinutes * 60_000;
  const gate = uploadGate(app, deps);


  /**
   * A reply or review reason typed before the session went idle (15 minutes) is not lost (issue 20
   * item 4): it is kept in the session, sealed and tied to that report, for KEEP_MS, and given back
   * in its box only after the same report's code is entered again — never to another code typed on a
   * shared phone. The entry page says why the reporter was signed out.
   */
  const KEEP_MS = 3 * 3600_000;
  const KEEP_FIELDS: Partial<Record<tracking.ReporterAction, 'body' | 'reason'>> = { message: 'body', review: 'reason' };
  const keptContext = (reportId: number) => `track-draft:${reportId}`;

  function keepDraft(request: FastifyRequest, reportId: number, action: tracking.ReporterAction): boolean {
    const field = KEEP_FIELDS[action];
    const text = field ? String((request.body as Record<string, unknown> | undefined)?.[field] ?? '').trim().slice(0, 3000) : '';
    if (!field || !text) return false;
    request.session.keptDraft = { reportId, sealed: sealJson(deps.keys.session, { action, field, text }, keptContext(reportId)).toString('base64'), at: Date.now() };
    return true;
  }

  /** The kept draft of `reportId`, unsealed, if it is still fresh; the session forgets it either way. */
  function takeDraft(request: FastifyRequest, reportId: number): { action: string; field: string; text: string } | null {
    const kept = request.session.restoreDraft;
    delete request.session.restoreDraft;
    if (!kept || kept.reportId !== reportId || Date.now() - kept.at > KEEP_MS) return null;
    return unsealJson(deps.keys.session, Buffer.from(kept.sealed, 'base64'), keptContext(reportId));
  }

  /** The report of this tracking session, or null when there is none or it went idle. */
  async function currentReport(request: FastifyRequest): Promise<repo.Report | null> {
    const track = request.session.track;
    if (!track) return null;
    if (Date.now() - track.lastSeen > idleMs) {
      delete request.session.track;
      return null;
    }
    if (Date.now() - track.lastSeen > 60_000) request.session.track = { ...track, lastSeen: Date.now() };
    return (await repo.findReport(deps.db, track.reportId)) ?? null;
  }

  const triesPerWindow = deps.config.trackAttemptsPerWindow * deps.config.rateLimitFactor;

  /**
   * The code-entry page. After a wrong code the typed code stays in the box (and only there; the
   * page is no-store, src/plugins/security.ts), so 16 digits are not typed again.
   */
  async function renderEntry(reply: FastifyReply, error: string | null, opts: { status?: number; typed?: string; wait?: string; digits?: number; draftKept?: boolean } = {}) {
    const { status = 200, typed = '', wait = '', digits = 0, draftKept = false } = opts;
    return reply.page(
      'reports/track-entry',
      { titleKey: 'track.title', csrfToken: reply.generateCsrf(), error, typed, limit: { tries: triesPerWindow, minutes: WINDOW_MS / 60_000 }, wait, digits, draftKept, idleMinutes: deps.config.trackIdleMinutes },
      { status },
    );
  }

  async function renderReport(request: FastifyRequest, reply: FastifyReply, report: repo.Report, notice: Record<string, unknown> = {}, status = 200) {
    const draft = takeDraft(request, report.id);
    if (draft) notice = { ...notice, restored: draft.action, values: { [draft.field]: draft.text } };
    const opened = await tracking.markAnswerOpened(deps, report);
    // 信访工作条例第三十五条、第三十六条: the last day to ask for a review, or that the matter is final.
    const review = await tracking.reviewWindow(deps, opened);
    const context = await trackPageContext(deps, opened, request.locale);
    // The message limit's text sends an urgent matter to the hotlines at the foot of the page; where
    // the county lists none, to 12345 alone (not to a list that is not there).
    if (typeof notice.formError === 'string' && notice.formError.startsWith('track.message_limit.') && context.hotlines.length === 0) notice = { ...notice, formError: `${notice.formError}_no_hotline` };
    return reply.page('reports/track', { titleKey: 'track.report_title', csrfToken: reply.generateCsrf(), ...context, review, ...notice }, { status });
  }

  app.get('/track', async (request, reply) => {
    if (await currentReport(request)) return reply.redirect('/track/report', 303);
    const kept = request.session.keptDraft;
    return renderEntry(reply, null, { draftKept: !!kept && Date.now() - kept.at <= KEEP_MS });
  });

  app.post<{ Body: { code?: unknown } }>('/track', async (request, reply) => {
    // What was typed, as long as the box takes: shown back in the box only.
    const typed = typeof request.body?.code === 'string' ? request.body.code.slice(0, 40) : '';
    // Not 16 digits (15 typed, a letter O for a 0): said plainly, with the number of digits typed. It
    // reveals nothing and is not looked up, so it is not a guess and does not count towards the wait;
    // well-formed codes meet the limit below exactly as before.
    const shape = tracking.queryCodeShape(request.body?.code);
    if (!('code' in shape)) return renderEntry(reply, `track.code_shape.${shape.problem}`, { status: 400, typed, digits: 'digits' in shape ? shape.digits : 0 });
    // An IPv6 client is counted by its /64, which one subscriber holds whole (addressKey).
    // Counted before the lookup (and forgiven when right): a burst of guesses meets the wait one by one.
    const waitMs = await guesses.attempt(request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('Retry-After', String(seconds));
      const wait = seconds < 60 ? translate(request.locale, 'track.wait_seconds', { n: seconds }) : translate(request.locale, 'track.wait_minutes', { n: Math.ceil(seconds / 60) });
      return renderEntry(reply, 'track.too_many_wait', { status: 429, typed, wait });
    }
    const report = await tracking.findByQueryCode(deps, shape.code);
    if (!report) {
      // One neutral message for an unknown or mistyped code of the right shape.
      return renderEntry(reply, 'track.not_found', { status: 400, typed });
    }
    await guesses.forgive(request.ip);
    // A fresh session; a draft kept for this very report goes along, any other is dropped.
    const kept = request.session.keptDraft;
    await request.session.regenerate();
    request.session.track = { reportId: report.id, lastSeen: Date.now() };
    if (kept && kept.reportId === report.id) request.session.restoreDraft = kept;
    return reply.redirect('/track/report', 303);
  });

  app.get<{ Querystring: { done?: unknown } }>('/track/report', async (request, reply) => {
    const report = await currentReport(request);
    if (!report) return reply.redirect('/track', 303);
    // After an action (POST-redirect-GET): say at the top what happened.
    const done = await doneNotice(deps, report, request.query.done);
    return renderReport(request, reply, report, done ? { done } : {});
  });

  app.post('/track/signout', async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/track', 303);
  });

  /**
   * Runs a reporter action when the session holds a report that allows it. On success the page
   * redirects to its "done" notice, unless `notice` has something to say that the redirect cannot
   * carry (files already on the report, by name): the report page is then shown with it at once.
   */
  async function act(request: FastifyRequest, reply: FastifyReply, action: tracking.ReporterAction, run: (report: repo.Report) => Promise<Record<string, unknown> | void>, success?: () => Record<string, unknown>, notice?: () => Record<string, unknown> | null) {
    const idle = request.session.track;
    const report = await currentReport(request);
    if (!report) {
      // Signed out by the idle limit while typing: keep what was typed for this report.
      if (idle) keepDraft(request, idle.reportId, action);
      return reply.redirect('/track', 303);
    }
    if (!(await tracking.allowedActions(deps, report)).has(action)) return renderReport(request, reply, report, { formError: 'track.not_allowed' }, 409);
    const outcome = await run(report);
    // A limit reached (a message past the report's allowance) is a 429 that says when to come back.
    const { retryAfterSeconds, ...problem } = outcome ?? {};
    const status = typeof retryAfterSeconds === 'number' ? 429 : 400;
    if (status === 429) reply.header('Retry-After', String(retryAfterSeconds));
    // The report form's script sends files one by one and reads the outcome as JSON.
    if (request.headers.accept === 'application/json') return reply.code(outcome ? status : 200).send({ ok: !outcome, ...(outcome ? problem : (success?.() ?? {})) });
    if (outcome) return renderReport(request, reply, (await repo.findReport(deps.db, report.id))!, problem, status);
    const shown = notice?.();
    if (shown) return renderReport(request, reply, (await repo.findReport(deps.db, report.id))!, shown);
    return reply.redirect(`/track/report?done=${action}#done`, 303);
  }

  app.post<{ Body: { body?: string } }>('/track/message', async (request, reply) =>
    act(request, reply, 'message', async (report) => {
      const body = (request.body?.body ?? '').trim();
      if (body.length < 2 || body.length > 3000) return { formError: 'track.message_length', values: { body } };
      // Past the report's allowance of messages (reporter-message-limit.ts) nothing is sent: the page
      // says so, when to send again and whom to call if it cannot wait, with the text still in its box.
      const refused = await tracking.addReporterMessage(deps, report, body);
      if (refused) return { formError: `track.message_limit.${refused.limit}`, values: { body }, retryAfterSeconds: Math.ceil(refused.retryAfterMs / 1000) };
    }),
  );

  // Follow-up files share the report form's limits (upload-gate.ts): uploads in flight, pace, and
  // the budgets of files per client and for everyone; a dropped file is named with its reason. The
  // room read here only stops reading files early: the report's limit is held where the files are
  // written (tracking.attachReporterUploads), as two uploads may be in flight to one report. A file
  // the report already holds (the same photo sent again) is not stored twice, and the page says so.
  app.post('/track/files', { onRequest: (request, reply) => gate.admitUpload(request, reply) }, async (request, reply) => {
    let received: { name: string; cleaned: boolean }[] = [];
    let already: string[] = [];
    const upload = () => act(request, reply, 'files', async (report) => {
      if (!request.isMultipart()) return { formError: 'track.files_none' };
      const room = await tracking.remainingUpload(deps, report);
      const parsed = await readUploadForm(request, deps.dirs, { maxFileBytes: deps.config.upload.maxFileBytes, maxFiles: room.files, maxTotalBytes: room.bytes, ...gate.limitsFor(request, report.id) });
      if (parsed.problems.length > 0 || parsed.files.length === 0) {
        discardFiles(parsed.files);
        const nothing = parsed.files.length === 0 && parsed.problems.length === 0 && parsed.dropped.length === 0;
        return { formError: nothing ? 'track.files_none' : null, fileProblems: [...parsed.problems, ...parsed.dropped] };
      }
      let attached: tracking.Attached;
      try {
        attached = await tracking.addReporterFiles(deps, report, parsed.files);
      } catch (err) {
        discardFiles(parsed.files);
        if (isDiskFull(err)) return { formError: 'report.errors.disk_full' };
        throw err;
      }
      received = attached.fresh.map((u) => ({ name: u.file.originalName, cleaned: u.file.cleaned }));
      already = attached.already.map((u) => u.file.originalName);
      // The files received are kept; the ones dropped unopened or past the report's room are named.
      const refused = [...parsed.dropped, ...attached.refused.map((r) => ({ name: r.upload.file.originalName, problem: r.problem }))];
      // The page (without the script) also lists what was received and what it already held.
      if (refused.length > 0) return { fileProblems: refused, files: received, ...(already.length > 0 ? { already } : {}), ...(request.headers.accept === 'application/json' ? {} : filesNotice(received, already)) };
    }, () => ({ files: received, ...(already.length > 0 ? { already } : {}) }), () => (already.length > 0 ? filesNotice(received, already) : null));
    try {
      return await upload();
    } catch (err) {
      if (abandoned(request, reply)) return reply;
      throw err;
    }
  });

  app.post<{ Body: Record<string, string> }>('/track/identity', async (request, reply) =>
    act(request, reply, 'identity', async (report) => {
      const { identity, errors } = validateIdentity(request.body ?? {});
      if (identity?.mobile) identity.smsLocale = request.locale; // texts in the reporter's language (issue 24)
      if (!identity) return { identityErrors: errors, values: request.body };
      await tracking.giveIdentity(deps, report, identity);
    }),
  );

  app.post<{ Body: { reason?: string } }>('/track/review', async (request, reply) =>
    act(request, reply, 'review', async (report) => {
      const reason = (request.body?.reason ?? '').trim();
      if (reason.length < 5 || reason.length > 3000) return { formError: 'track.review_reason', values: { reason } };
      await tracking.requestReview(deps, report, reason);
    }),
  );

  app.post<{ Body: { rating?: string } }>('/track/rating', async (request, reply) =>
    act(request, reply, 'rating', async (report) => {
      if (!isRating(request.body?.rating)) return { formError: 'track.rating_required' };
      await tracking.rate(deps, report, request.body.rating);
    }),
  );

  app.post<{ Body: { reason?: string; confirm?: string } }>('/track/withdraw', async (request, reply) =>
    act(request, reply, 'withdraw', async (report) => {
      if (request.body?.confirm !== 'yes') return { formError: 'track.withdraw_confirm' };
      await tracking.withdraw(deps, report, (request.body.reason ?? '').trim().slice(0, 1000));
    }),
  );
}
