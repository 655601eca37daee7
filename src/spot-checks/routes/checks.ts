// Recording a check at a drawn township, and turning its finding into a ledger item in one step.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { todayInChina } from '../../clocks/index.js';
import { hotlinesFor } from '../../hotlines/index.js';
import { requireStaff } from '../../plugins/auth.js';
import { childrenOf, placeChain, placeLabel } from '../../regions/index.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { unitOfKind } from '../../units/index.js';
import * as repo from '../repository.js';
import * as service from '../service.js';
import { parseDutyHours } from '../duty-hours.js';
import { OTHER_LINE, validateCheck, validateLedger, type FieldErrors } from '../validate.js';
import { checkWindow, loadRound } from '../view-model.js';

type Body = Record<string, string | undefined>;
type TargetParams = { id: string; targetId: string };
type CheckParams = { id: string; checkId: string };

const CHECK_FIELDS = ['village', 'checked_on', 'posting_ok', 'roster_ok', 'hotline_called_at', 'hotline_phone', 'hotline_answered', 'cases_checked', 'findings'] as const;
const errorList = (errors: FieldErrors) => Object.entries(errors).map(([field, key]) => ({ field, key }));

export default async function checkRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function loadTarget(request: FastifyRequest<{ Params: TargetParams }>) {
    const round = await loadRound(deps, request);
    const target = await repo.findTarget(db, round.id, Number(request.params.targetId));
    if (!target) throw notFound();
    return { round, target };
  }

  async function renderCheck(request: FastifyRequest<{ Params: TargetParams }>, reply: FastifyReply, round: repo.Round, target: repo.Target, values: Body, errors: FieldErrors = {}, status = 200) {
    const { township, county } = await placeChain(db, target.townshipCode);
    const villages = (await childrenOf(db, target.townshipCode)).filter((r) => r.level === 'village').map((r) => ({ code: r.code, name: r.name }));
    const lines = county ? await hotlinesFor(db, county.code) : [];
    const window = checkWindow(round);
    return reply.page(
      'spot-checks/check',
      {
        title: `${township?.name ?? target.townshipCode} · ${round.name}`,
        csrfToken: reply.generateCsrf(),
        round,
        target,
        townshipName: township?.name ?? target.townshipCode,
        countyName: county?.name ?? '',
        villages,
        countyHotlines: lines.filter((l) => l.depth === 0),
        otherHotlines: lines.filter((l) => l.depth > 0),
        // The numbers a test call may go to, each marked when its listed hours are not in a form that is read.
        lineChoices: lines.map((l) => ({ phone: l.phone, dutyHours: l.dutyHours, unitName: l.unitName, unreadable: parseDutyHours(l.dutyHours) === null })),
        otherLine: OTHER_LINE,
        window,
        values,
        errors,
        errorList: errorList(errors),
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Params: TargetParams }>('/staff/spot-checks/:id/targets/:targetId/check', { preHandler: requireStaff() }, async (request, reply) => {
    const { round, target } = await loadTarget(request);
    const { county } = await placeChain(db, target.townshipCode);
    const own = county ? (await hotlinesFor(db, county.code)).filter((l) => l.depth === 0) : [];
    return renderCheck(request, reply, round, target, { checked_on: todayInChina(), posting_ok: '', roster_ok: '', hotline_phone: own[0]?.phone ?? '' });
  });

  app.post<{ Params: TargetParams; Body: Body }>('/staff/spot-checks/:id/targets/:targetId/check', { preHandler: requireStaff() }, async (request, reply) => {
    const { round, target } = await loadTarget(request);
    const body = request.body ?? {};
    const villages = (await childrenOf(db, target.townshipCode)).filter((r) => r.level === 'village');
    const { county } = await placeChain(db, target.townshipCode);
    const lines = county ? await hotlinesFor(db, county.code) : [];
    const { input, errors } = validateCheck(body, villages, checkWindow(round), lines);
    const values = Object.fromEntries(CHECK_FIELDS.map((f) => [f, body[f]]));
    if (!input) return renderCheck(request, reply, round, target, values, errors, 400);
    const check = await service.recordCheck(deps, request.staff!.user.id, round, target, input);
    return reply.redirect(`/staff/spot-checks/${round.id}?done=recorded#check-${check.id}`, 303);
  });

  async function loadCheck(request: FastifyRequest<{ Params: CheckParams }>) {
    const round = await loadRound(deps, request);
    const check = await repo.findCheck(db, round.id, Number(request.params.checkId));
    if (!check || !check.findings) throw notFound();
    return { round, check };
  }

  async function renderLedger(reply: FastifyReply, round: repo.Round, check: repo.Check, values: Body, errors: FieldErrors = {}, status = 200, actionError: string | null = null) {
    // The village's chain names the county too: one look-up for both.
    const chain = await placeChain(db, check.villageCode ?? check.townshipCode);
    const unit = chain.county ? await unitOfKind(db, 'civil_affairs', chain.county.code) : undefined;
    const window = checkWindow(round);
    return reply.page(
      'spot-checks/ledger',
      {
        titleKey: 'spot_checks.ledger.title',
        csrfToken: reply.generateCsrf(),
        round,
        check,
        place: placeLabel(chain),
        unitName: unit?.name ?? '',
        minDeadline: window.today,
        maxDeadline: window.maxDeadline,
        values,
        errors,
        errorList: errorList(errors),
        actionError,
      },
      { layout: 'staff', status },
    );
  }

  app.get<{ Params: CheckParams }>('/staff/spot-checks/:id/checks/:checkId/ledger', { preHandler: requireStaff() }, async (request, reply) => {
    const { round, check } = await loadCheck(request);
    if (check.ledgerItemId !== null) return reply.redirect(`/staff/spot-checks/${round.id}#check-${check.id}`, 303);
    return renderLedger(reply, round, check, {});
  });

  app.post<{ Params: CheckParams; Body: Body }>('/staff/spot-checks/:id/checks/:checkId/ledger', { preHandler: requireStaff() }, async (request, reply) => {
    const { round, check } = await loadCheck(request);
    const body = request.body ?? {};
    const values = { measures: body.measures, person: body.person, deadline: body.deadline };
    const { input, errors } = validateLedger(body, todayInChina());
    if (!input) return renderLedger(reply, round, check, values, errors, 400);
    try {
      await service.makeLedgerItem(deps, request.staff!.user.id, round, check, input);
    } catch (err) {
      if (err instanceof service.SpotCheckError) return renderLedger(reply, round, (await repo.findCheck(db, round.id, check.id))!, values, {}, err.statusCode, err.messageKey ?? null);
      throw err;
    }
    return reply.redirect(`/staff/spot-checks/${round.id}?done=ledger#check-${check.id}`, 303);
  });
}
