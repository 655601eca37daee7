// Staff side of typical cases: the list in scope, a draft from a concluded report, the case page
// with its edit form and workflow actions (POST only, CSRF-checked by the security plugin).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { entriesFor } from '../../audit/index.js';
import { visibleReport } from '../../reports/index.js';
import { requireStaff } from '../../plugins/auth.js';
import { CATEGORIES } from '../../reports/index.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { findUnit } from '../../units/index.js';
import { findUser } from '../../users/index.js';
import { prefillFromReport } from '../draft.js';
import { recentQuarters } from '../quarter.js';
import * as repo from '../repository.js';
import * as svc from '../service.js';
import { paragraphs, placeLabels, quarterLabel } from '../view-model.js';
import { rowIdOf } from '../../db/dialect.js';

type Body = Record<string, string | undefined>;
const PAGE = 50;

export default async function staffCaseRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  app.get<{ Querystring: { status?: string; before?: string } }>('/staff/cases', { preHandler: requireStaff() }, async (request, reply) => {
    const staff = request.staff!;
    const scope = await svc.caseScopeOf(deps, staff);
    const status = (repo.CASE_STATUSES as readonly string[]).includes(request.query.status ?? '') ? (request.query.status as repo.CaseStatus) : undefined;
    const beforeId = rowIdOf(request.query.before);
    const rows = await repo.listForStaff(db, { ...scope, status, beforeId, limit: PAGE });
    const places = await placeLabels(db, rows.map((r) => r.regionCode));
    const next = rows.length === PAGE ? `/staff/cases?${status ? `status=${status}&` : ''}before=${rows[rows.length - 1]!.id}` : null;
    return reply.page(
      'cases/staff-list',
      {
        titleKey: 'cases.staff.title',
        statuses: repo.CASE_STATUSES,
        status,
        inspector: scope.bodyIds.length > 0,
        rows: rows.map((r) => ({ ...r, place: places.get(r.regionCode), quarterText: quarterLabel(request.locale, r.quarter) })),
        nextHref: next,
      },
      { layout: 'staff' },
    );
  });

  // Draft from a concluded report: a preview of the anonymised text, then POST creates it.
  app.get<{ Params: { id: string } }>('/staff/reports/:id/case/new', { preHandler: requireStaff() }, async (request, reply) => {
    const report = await visibleReport(db, request.staff!, Number(request.params.id));
    if (!report) throw notFound();
    const open = await repo.openCaseFor(db, { reportId: report.id });
    if (open) return reply.redirect(`/staff/cases/${open.id}`, 303);
    const referral = await repo.concludedReferralOf(db, report.id);
    const draft = await prefillFromReport(db, report, referral);
    return reply.page(
      'cases/staff-new',
      { titleKey: 'cases.staff.new_title', report, referral, bodyName: referral ? (await findUnit(db, referral.bodyUnitId))?.name : null, draft, paragraphs: paragraphs(draft.body), allowed: svc.reportCanGiveCase(report), csrfToken: reply.generateCsrf() },
      { layout: 'staff' },
    );
  });

  app.post<{ Params: { id: string } }>('/staff/reports/:id/case/new', { preHandler: requireStaff() }, async (request, reply) => {
    const { case: c, existing } = await svc.draftFromReport(deps, request.staff!, Number(request.params.id));
    return reply.redirect(`/staff/cases/${c.id}?done=${existing ? 'existing' : 'drafted'}`, 303);
  });

  // The referral's outcome page (an inspector's) or the report page (a handler's) posts here.
  app.post<{ Params: { referralId: string } }>('/staff/cases/from-referral/:referralId', { preHandler: requireStaff() }, async (request, reply) => {
    const id = rowIdOf(request.params.referralId) ?? 0;
    const { case: c, existing } = await svc.draftCaseFromReferral(deps, request.staff!, id);
    return reply.redirect(`/staff/cases/${c.id}?done=${existing ? 'existing_referral' : 'drafted'}`, 303);
  });

  async function load(request: FastifyRequest<{ Params: { id: string } }>) {
    const c = await repo.findCase(db, rowIdOf(request.params.id) ?? 0);
    if (!c) throw notFound();
    const referral = c.referralId ? await repo.findReferral(db, c.referralId) : undefined;
    const rights = svc.rightsOn(request.staff!, await svc.caseScopeOf(deps, request.staff!), c, referral);
    if (!rights.view) throw notFound();
    return { c, referral, rights };
  }

  async function render(request: FastifyRequest, reply: FastifyReply, c: repo.TypicalCase, extra: Record<string, unknown> = {}, status = 200) {
    const referral = c.referralId ? await repo.findReferral(db, c.referralId) : undefined;
    const staff = request.staff!;
    // With its authors, so a lead who wrote the case is not offered its approval (four eyes).
    const rights = svc.rightsOn(staff, await svc.caseScopeOf(deps, staff), c, referral, await svc.authorsOf(deps, c));
    const entries = await entriesFor(db, 'typical_case', String(c.id));
    // The names of everyone the page mentions, read before rendering.
    const names = new Map<number, string>();
    for (const id of new Set([...entries.map((e) => e.actorId), c.signedOffBy, c.approvedBy])) {
      if (id) names.set(Number(id), (await findUser(db, Number(id)))?.displayName ?? `#${id}`);
    }
    const nameOf = (id: number | null | undefined) => (id ? (names.get(Number(id)) ?? `#${id}`) : null);
    const history = entries.map((e) => {
      const detail = e.detail ? (JSON.parse(e.detail) as { note?: string }) : {};
      return { at: e.at, action: e.action.replace(/^case\./, ''), actor: nameOf(e.actorId), note: detail.note ?? null };
    });
    const report = c.reportId && staff.unit.kind === 'civil_affairs' ? await visibleReport(db, staff, c.reportId) : undefined;
    const places = await placeLabels(db, [c.regionCode]);
    return reply.page(
      'cases/staff-case',
      {
        title: c.title,
        c,
        rights,
        place: places.get(c.regionCode),
        quarterText: quarterLabel(request.locale, c.quarter),
        unitName: (await findUnit(db, c.unitId))?.name,
        bodyName: referral ? (await findUnit(db, referral.bodyUnitId))?.name : null,
        referral,
        report: report ? { id: report.id, caseNo: report.caseNo } : null,
        signedOffBy: nameOf(c.signedOffBy),
        approvedBy: nameOf(c.approvedBy),
        history,
        problems: c.status === 'published' || c.status === 'withdrawn' ? [] : await svc.guardFindings(deps, c),
        quarters: [...new Set([c.quarter, ...recentQuarters()])].sort().reverse().map((code) => ({ code, label: quarterLabel(request.locale, code) })),
        categories: CATEGORIES,
        values: { title: c.title, body: c.body, quarter: c.quarter, category: c.category },
        paragraphs: paragraphs(c.body),
        csrfToken: reply.generateCsrf(),
        ...extra,
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/staff/cases/:id', { preHandler: requireStaff() }, async (request, reply) => {
    const { c } = await load(request);
    const done = /^[a-z_]{1,20}$/.test(request.query.done ?? '') ? request.query.done : null;
    return render(request, reply, c, { done });
  });

  const actions: Record<string, (staff: NonNullable<FastifyRequest['staff']>, c: repo.TypicalCase, body: Body) => Promise<unknown>> = {
    submit: (s, c) => svc.submit(deps, s, c),
    sign_off: (s, c) => svc.signOff(deps, s, c),
    send_back: (s, c, b) => svc.sendBack(deps, s, c, b.note),
    approve: (s, c) => svc.approve(deps, s, c),
    withdraw: (s, c, b) => svc.withdraw(deps, s, c, b.note),
    revise: (s, c) => svc.revise(deps, s, c),
  };

  app.post<{ Params: { id: string; action: string }; Body: Body }>('/staff/cases/:id/:action', { preHandler: requireStaff() }, async (request, reply) => {
    const { c } = await load(request);
    const body = request.body ?? {};
    const name = request.params.action;
    try {
      if (name === 'save') {
        const input = { title: body.title ?? '', body: body.body ?? '', quarter: body.quarter ?? '', category: body.category ?? '' };
        const saved = await svc.updateDraft(deps, request.staff!, c, input);
        if (Object.keys(saved.errors).length > 0) return render(request, reply, c, { errors: saved.errors, values: input, failedAction: 'save' }, 400);
        return reply.redirect(`/staff/cases/${c.id}?done=saved`, 303);
      }
      const action = actions[name];
      if (!action) throw notFound();
      await action(request.staff!, c, body);
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500 && err.statusCode !== 404) {
        const problems = err instanceof svc.CaseError ? err.problems : [];
        return render(request, reply, (await repo.findCase(db, c.id))!, { actionError: err.messageKey, actionProblems: problems, failedAction: name, noteValue: body.note }, err.statusCode);
      }
      throw err;
    }
    // An inspector who sends a case back no longer sees it (it is a draft again): back to the list.
    const changed = (await repo.findCase(db, c.id))!;
    const stillVisible = svc.rightsOn(request.staff!, await svc.caseScopeOf(deps, request.staff!), changed, changed.referralId ? await repo.findReferral(db, changed.referralId) : undefined).view;
    return reply.redirect(`${stillVisible ? `/staff/cases/${c.id}` : '/staff/cases'}?done=${name}`, 303);
  });
}
