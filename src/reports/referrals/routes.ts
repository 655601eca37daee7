// The handler's "refer" action and the inspector's workspace (issue 5).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { authorize, mayActOnReferral, visibleReport } from '../casework/index.js';
import { findReport } from '../repository.js';
import { referralFeedback, referralInbox } from './repository.js';
import { activeRules, clockState, todayInChina } from '../../clocks/index.js';
import { supervisedUnitIds } from '../../units/index.js';
import { record } from '../../audit/index.js';
import { hasMessage } from '../../i18n/translate.js';
import { packetArchive, packetContext } from './packet.js';
import * as svc from './service.js';
import * as notices from './notices.js';

type Params = { Params: { id: string }; Body: Record<string, string | undefined> };

export default async function referralRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  app.post<Params>('/staff/reports/:id/refer', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    await authorize(deps, request.staff!, report, 'refer');
    try {
      await svc.refer(deps, request.staff!, report, request.body?.opinion ?? '');
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return reply.redirect(`/staff/reports/${report.id}?error=${err.code}#refer`, 303);
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=refer`, 303);
  });

  // The referring unit takes back a referral the body has not accepted (issue 19 item 1).
  app.post<Params>('/staff/reports/:id/recall', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    await authorize(deps, request.staff!, report, 'referral_recall');
    try {
      await svc.recall(deps, request.staff!, report, request.body?.reason ?? '');
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return reply.redirect(`/staff/reports/${report.id}?error=${err.code}#held-by`, 303);
      throw err;
    }
    return reply.redirect(`/staff/reports/${report.id}?done=recall`, 303);
  });

  app.get('/staff/referrals', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const ids = await supervisedUnitIds(db, request.staff!.unit.id);
    const rows = await referralInbox(db, ids, 200);
    const today = todayInChina();
    return reply.page('reports/referrals/inbox', {
      titleKey: 'referrals.inbox.title',
      rows: rows.map((r) => ({ ...r, clock: r.referral.status === 'pending' ? clockState(r.referral.acceptDue, today) : null })),
    }, { layout: 'staff' });
  });

  async function load(request: FastifyRequest<Params>) {
    const referral = await svc.visibleReferral(deps, request.staff!, Number(request.params.id));
    if (!referral) throw notFound();
    return referral;
  }

  async function render(request: FastifyRequest<Params>, reply: FastifyReply, referral: svc.Referral, extra: Record<string, unknown> = {}, status = 200) {
    const forwardTo = mayActOnReferral(request.staff!, referral) && ['pending', 'accepted'].includes(referral.status) ? (await svc.forwardTargets(deps, referral)).map((u) => ({ id: u.id, name: u.name })) : [];
    const report = await findReport(db, referral.reportId);
    const today = todayInChina();
    // The notices owed to a real-name reporter, with their dates and article (issue 18 item 6).
    const owed = report ? (await notices.noticeDues(deps, referral, report)).map((d) => ({ ...d, clock: d.doneAt === null ? clockState(d.deadline.due, today) : null })) : [];
    // Results so far (several may be recorded before 办结, issue 19 item 11), and the dates a new one's
    // decision must lie between: the body's acceptance and today, China time.
    const results = await svc.resultsOf(deps, referral);
    const acceptedOn = referral.acceptedAt ? todayInChina(new Date(referral.acceptedAt)) : null;
    return reply.page(
      'reports/referrals/detail',
      {
        title: `移送 ${referral.id}`,
        csrfToken: reply.generateCsrf(),
        ...(await packetContext(deps, referral)),
        forwardTo,
        notices: owed,
        anonymousReporter: report ? !notices.owedNotices(report) : false,
        forwardBasis: activeRules()['discipline.forward'].basis,
        noticeBasis: activeRules()['discipline.acceptance_notice'].basis,
        dispositions: svc.DISPOSITIONS,
        resultKinds: Object.entries(svc.RESULT_KINDS).map(([kind, details]) => ({ kind, details })),
        results,
        acceptedOn,
        today,
        ...extra,
      },
      { layout: 'staff', status },
    );
  }

  // Reads of a referral show the case: audited, one entry per view (issue 15).
  const audited = async (request: FastifyRequest<Params>, action: string, referral: svc.Referral) =>
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action, object: { type: 'referral', id: referral.id } });

  app.get<Params & { Querystring: { error?: string } }>('/staff/referrals/:id', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const referral = await load(request);
    await audited(request, 'referral.view', referral);
    // A refused forward redirects back here with its reason.
    const error = request.query.error;
    return render(request, reply, referral, error && /^[a-z_]+$/.test(error) && hasMessage(`casework.errors.${error}`) ? { actionError: `casework.errors.${error}` } : {});
  });

  // 转交有管辖权的机关 (issue 19 item 1): the holding body's inspector passes the referral on.
  app.post<Params>('/staff/referrals/:id/forward', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const referral = await load(request);
    const report = await findReport(db, referral.reportId);
    if (!report) throw notFound();
    const rel = await authorize(deps, request.staff!, report, 'referral_forward');
    if (rel.referral?.id !== referral.id) throw new AppError(403, 'NOT_YOUR_PART', 'casework.errors.not_your_part');
    try {
      await svc.forwardReferral(deps, request.staff!, referral, request.body?.body_id ?? '', request.body?.reason ?? '');
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return reply.redirect(`/staff/referrals/${referral.id}?error=${err.code}#forward`, 303);
      throw err;
    }
    // The body no longer holds it: back to the workspace.
    return reply.redirect('/staff/referrals?done=forward', 303);
  });

  const actions: Record<svc.ReferralAction, (request: FastifyRequest<Params>, referral: svc.Referral) => unknown> = {
    accept: (r, ref) => svc.acceptReferral(deps, r.staff!, ref),
    return: (r, ref) => svc.returnReferral(deps, r.staff!, ref, r.body?.reason ?? ''),
    disposition: (r, ref) => svc.recordDisposition(deps, r.staff!, ref, r.body?.disposition ?? ''),
    result: (r, ref) => {
      // One select carries "kind:detail" (e.g. party:warning) so the form needs no script.
      const [kind = '', detail = ''] = (r.body?.detail_kind ?? '').split(':');
      return svc.recordResult(deps, r.staff!, ref, kind, detail, r.body?.text ?? '', r.body?.on ?? '');
    },
    conclude: (r, ref) => svc.concludeReferral(deps, r.staff!, ref),
    acceptance_notice: (r, ref) => notices.recordAcceptanceNotice(deps, r.staff!, ref),
    result_notice: (r, ref) => notices.recordResultNotice(deps, r.staff!, ref, r.body?.notice_text ?? ''),
  };

  app.post<Params & { Params: { action: string } }>('/staff/referrals/:id/:action', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const referral = await load(request);
    const name = request.params.action;
    if (!svc.isReferralAction(name)) throw notFound();
    // Only the addressed body acts on its referral (casework/permissions.ts).
    if (!mayActOnReferral(request.staff!, referral)) throw new AppError(403, 'NOT_YOUR_PART', 'casework.errors.not_your_part');
    try {
      await actions[name](request, referral);
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) return render(request, reply, (await svc.findReferral(deps, referral.id))!, { actionError: err.messageKey, values: request.body }, err.statusCode);
      throw err;
    }
    return reply.redirect(`/staff/referrals/${referral.id}?done=${request.params.action}`, 303);
  });

  app.get<Params>('/staff/referrals/:id/packet', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const referral = await load(request);
    await audited(request, 'referral.packet_view', referral);
    return reply.page('reports/referrals/packet', { title: `移送材料 ${referral.id}`, ...(await packetContext(deps, referral)) }, { layout: 'print' });
  });

  app.get<Params>('/staff/referrals/:id/packet.zip', { preHandler: requireStaff('inspector') }, async (request, reply) => {
    const referral = await load(request);
    const html = await app.view('reports/referrals/packet.hbs', { ...(await packetContext(deps, referral)), title: `移送材料 ${referral.id}`, locale: request.locale, htmlLang: request.locale, siteName: '' }, { layout: 'layouts/print.hbs' });
    await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: request.staff!.user.id }, action: 'referral.packet_download', object: { type: 'referral', id: referral.id } });
    reply.header('Content-Type', 'application/zip');
    reply.header('Content-Disposition', `attachment; filename="referral-${referral.id}.zip"`);
    reply.header('Cache-Control', 'no-store');
    return reply.send(await packetArchive(deps, referral, html));
  });

  // Quarterly feedback: what each body in scope received, accepted, concluded, and the outcomes.
  app.get<{ Querystring: { quarter?: string } }>('/staff/referrals-feedback', { preHandler: requireStaff('inspector', 'supervisor', 'lead') }, async (request, reply) => {
    const quarter = /^\d{4}Q[1-4]$/.test(request.query.quarter ?? '') ? request.query.quarter! : currentQuarter();
    const { from, to } = quarterRange(quarter);
    const ids = await supervisedUnitIds(db, request.staff!.unit.id);
    const rows = await referralFeedback(db, ids, from, to);
    return reply.page('reports/referrals/feedback', { titleKey: 'referrals.feedback.title', quarter, rows }, { layout: 'staff' });
  });
}

export function currentQuarter(now = Date.now()): string {
  const d = new Date(now + 8 * 3600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

function quarterRange(quarter: string): { from: number; to: number } {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  const start = (m: number, y: number) => Date.parse(`${y}-${String(m).padStart(2, '0')}-01T00:00:00+08:00`);
  return { from: start((q - 1) * 3 + 1, year), to: q === 4 ? start(1, year + 1) : start(q * 3 + 1, year) };
}
