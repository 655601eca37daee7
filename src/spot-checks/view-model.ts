// What the spot-check pages show, and who may open a round. A round exists only for the users of
// its inspecting unit: to anyone else every round URL is a 404, whatever their roles.
import type { FastifyRequest } from 'fastify';
import { addDays, todayInChina } from '../clocks/index.js';
import type { Deps } from '../shared/deps.js';
import { forbidden, notFound } from '../shared/errors.js';
import { findRegions } from '../regions/index.js';
import { findUser } from '../users/index.js';
import { loadCalendar } from '../calendar/index.js';
import * as repo from './repository.js';
import { judgeCall, type CallResult } from './duty-hours.js';
import { townshipWeight, STALE_ROSTER_POINTS, type Signals } from './sampler.js';
import { hasSpotCheckRole, REPORT_WINDOW_DAYS, STALE_ROSTER_DAYS } from './service.js';

/** The round of the URL, if it is the user's unit's; 404 for everyone else, 403 inside the unit without the role. */
export async function loadRound(deps: Pick<Deps, 'db'>, request: FastifyRequest<{ Params: { id: string } }>): Promise<repo.Round> {
  const staff = request.staff!;
  const round = await repo.findRound(deps.db, Number(request.params.id));
  if (!round || round.unitId !== staff.unit.id) throw notFound();
  if (!hasSpotCheckRole(staff)) throw forbidden();
  return round;
}

/** "Why this township": the weight's parts, in the order of the formula. */
export function reasons(s: Signals) {
  const parts: { key: string; n: number; points: number }[] = [];
  if (s.reports > 0) parts.push({ key: 'reports', n: s.reports, points: s.reports });
  if (s.overdue > 0) parts.push({ key: 'overdue', n: s.overdue, points: 2 * s.overdue });
  if (s.substantiated > 0) parts.push({ key: 'substantiated', n: s.substantiated, points: 2 * s.substantiated });
  if (s.staleVillages > 0) parts.push({ key: 'stale', n: s.staleVillages, points: STALE_ROSTER_POINTS });
  return { parts, weightNow: townshipWeight(s) };
}

const yesNoKey = (v: boolean | null) => (v === null ? 'not_checked' : v ? 'yes' : 'no');

/** The round page: targets in draw order, each with why it was drawn and the checks recorded there. */
export async function roundPage(deps: Pick<Deps, 'db'>, round: repo.Round, signals: Map<string, Signals>) {
  const targets = await repo.targetsOf(deps.db, round.id);
  const checks = await repo.checksOf(deps.db, round.id);
  const calendar = await loadCalendar(deps.db);
  const isWorkday = (date: string) => calendar.isWorkday(date);
  const codes = [...new Set([...targets.map((t) => t.countyCode ?? ''), ...checks.map((c) => c.villageCode ?? '')].filter(Boolean))];
  const names = new Map((await findRegions(deps.db, codes)).map((r) => [r.code, r.name]));
  const checksByTarget = new Map<number, ReturnType<typeof checkView>[]>();
  for (const c of checks) {
    const list = checksByTarget.get(c.targetId ?? 0) ?? [];
    list.push(checkView(round, c, names, isWorkday));
    checksByTarget.set(c.targetId ?? 0, list);
  }
  return {
    round,
    createdByName: (await findUser(deps.db, round.createdBy))?.displayName ?? '',
    weightedCount: round.townshipCount - round.randomCount,
    staleDays: STALE_ROSTER_DAYS,
    windowDays: REPORT_WINDOW_DAYS,
    targets: targets.map(({ target, name, countyCode }) => ({
      ...target,
      name,
      countyName: countyCode ? (names.get(countyCode) ?? '') : '',
      random: target.drawnBy === 'random',
      why: reasons(signals.get(target.townshipCode) ?? { reports: 0, overdue: 0, substantiated: 0, staleVillages: 0 }),
      checks: checksByTarget.get(target.id) ?? [],
    })),
    checkedCount: targets.filter((t) => checksByTarget.has(t.target.id)).length,
    calls: callStatistics([...checksByTarget.values()].flat()),
    canVerify: round.drawInputs !== null,
  };
}

/** The round's test calls by result; only `unanswered` counts as a failure (no one answered in duty hours). */
export function callStatistics(checks: { callResult: CallResult | null }[]) {
  const n = (r: CallResult) => checks.filter((c) => c.callResult === r).length;
  const stats = { answered: n('answered'), unanswered: n('unanswered'), offDuty: n('off_duty'), unknown: n('hours_unknown') };
  return { ...stats, total: stats.answered + stats.unanswered + stats.offDuty + stats.unknown, failures: stats.unanswered };
}

function checkView(round: repo.Round, c: repo.Check, names: Map<string, string>, isWorkday: (date: string) => boolean) {
  const callResult = c.hotlineCalledAt && c.hotlineAnswered !== null ? judgeCall(c.hotlineCalledAt, c.hotlineAnswered, c.hotlineDutyHours, isWorkday) : null;
  return {
    ...c,
    villageName: c.villageCode ? (names.get(c.villageCode) ?? c.villageCode) : null,
    posting: yesNoKey(c.postingOk),
    roster: yesNoKey(c.rosterOk),
    calledAt: c.hotlineCalledAt ? c.hotlineCalledAt.replace('T', ' ') : null,
    answered: yesNoKey(c.hotlineAnswered),
    callResult,
    // Why a call was not judged: no listed hours kept with the check (an unlisted number, or recorded
    // before they were kept), or hours in a form that is not read.
    hoursUnknownWhy: callResult === 'hours_unknown' ? (c.hotlineDutyHours === null ? 'not_recorded' : 'unreadable') : null,
    ledgerHref: c.ledgerItemId ? `/staff/ledger/${c.ledgerItemId}` : null,
    makeLedgerHref: c.findings && !c.ledgerItemId ? `/staff/spot-checks/${round.id}/checks/${c.id}/ledger` : null,
  };
}

/** Dates a check may carry: from the day the round was planned to today (China). */
export function checkWindow(round: repo.Round, now = Date.now()) {
  const today = todayInChina(new Date(now));
  const from = todayInChina(new Date(round.createdAt));
  return { from: from > today ? today : from, today, maxDeadline: addDays(today, 5 * 366) };
}
