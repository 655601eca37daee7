// 明查暗访 ("四不两直", notice 三(三)): planning a round by a reproducible draw, recording checks,
// turning a finding into a ledger item. The plan is the inspecting unit's alone: nobody is told,
// nothing is e-mailed, and the audit log records that a round was planned but not where.
import crypto from 'node:crypto';
import { record } from '../audit/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { insertItem as insertLedgerItem } from '../ledger/index.js';
import { hotlinesFor } from '../hotlines/index.js';
import { findRegion, placeChain, regionsWithin } from '../regions/index.js';
import { townshipReportSignals } from '../reports/index.js';
import { staleVillagesByTownship } from '../disclosure/index.js';
import type { Deps } from '../shared/deps.js';
import { AppError } from '../shared/errors.js';
import { unitOfKind, type Unit } from '../units/index.js';
import type { Role } from '../users/index.js';
import * as repo from './repository.js';
import { withTransaction } from '../db/transaction.js';
import { drawPlan, townshipWeight, type Drawn, type Signals } from './sampler.js';
import { drawInputs, hashInputs, redraw, serializeInputs } from './draw-inputs.js';
import type { CheckInput, LedgerInput, RoundInput } from './validate.js';

/** Roles of a civil-affairs unit that plan rounds, record checks and turn findings into ledger items. */
export const SPOT_CHECK_ROLES = ['inspector', 'supervisor'] as const satisfies readonly Role[];

/**
 * A village's roster counts as "not updated within the configured period" when the village has
 * active recipients but no posting (公示) started within this many days. One year: the roster is
 * meant to follow every change, and a village with no new, changed or removed recipient in a whole
 * year of dynamic management (动态管理) is worth a look.
 */
export const STALE_ROSTER_DAYS = 365;

/** Reports and findings count toward the weight when received within this many days. */
export const REPORT_WINDOW_DAYS = 365;

const DAY_MS = 86_400_000;

/** Levels of the units that inspect, and the levels a round of theirs may be restricted to. */
const RESTRICTION_LEVELS: Record<string, string[]> = { province: ['prefecture', 'county'], prefecture: ['county'], county: [] };

export class SpotCheckError extends AppError {
  constructor(code: string, status = 409) {
    super(status, code, `spot_checks.errors.${code}`);
  }
}

export function hasSpotCheckRole(staff: StaffContext): boolean {
  return SPOT_CHECK_ROLES.some((r) => staff.has(r));
}

/** The region a user's unit inspects (province, city or county civil affairs), or null when it does not. */
export async function inspectedRegion(deps: Pick<Deps, 'db'>, staff: StaffContext) {
  if (staff.unit.kind !== 'civil_affairs') return null;
  const region = await findRegion(deps.db, staff.unit.regionCode);
  return region && region.level in RESTRICTION_LEVELS ? region : null;
}

/** The regions below the unit's region that a round may be restricted to. */
export async function restrictionChoices(deps: Pick<Deps, 'db'>, region: { code: string; level: string }) {
  return (await regionsWithin(deps.db, region.code, { levels: RESTRICTION_LEVELS[region.level] ?? [], strict: true })).map((r) => ({ code: r.code, name: r.name, level: r.level }));
}

export function newSeed(): string {
  return crypto.randomBytes(32).toString('hex');
}

export interface Weighted {
  code: string;
  name: string;
  weight: number;
  signals: Signals;
}

/** The weighting signals of the townships below `scopeCode` as of `now` (townships without any are absent). */
export async function signalsAt(deps: Pick<Deps, 'db'>, scopeCode: string, now = Date.now()): Promise<Map<string, Signals>> {
  const today = todayInChina(new Date(now));
  // Reports (received, overdue, substantiated) from the reports domain; stale rosters from disclosure.
  const [reports, stale] = await Promise.all([
    townshipReportSignals(deps.db, scopeCode, { today, reportsSince: now - REPORT_WINDOW_DAYS * DAY_MS }),
    staleVillagesByTownship(deps.db, scopeCode, addDays(today, -STALE_ROSTER_DAYS)),
  ]);
  const out = new Map<string, Signals>();
  for (const [code, r] of reports) out.set(code, { ...r, staleVillages: 0 });
  for (const [code, villages] of stale) out.set(code, { ...(out.get(code) ?? { reports: 0, overdue: 0, substantiated: 0 }), staleVillages: villages });
  return out;
}

/** Every township below `scopeCode` with its weight as of `now`. */
export async function candidatesFor(deps: Pick<Deps, 'db'>, scopeCode: string, now = Date.now()): Promise<Weighted[]> {
  const signals = await signalsAt(deps, scopeCode, now);
  return (await regionsWithin(deps.db, scopeCode, { levels: ['township'] })).map((t) => {
    const s = signals.get(t.code) ?? { reports: 0, overdue: 0, substantiated: 0, staleVillages: 0 };
    return { code: t.code, name: t.name, weight: townshipWeight(s), signals: s };
  });
}

/**
 * Plans a round: a fresh seed (unless given), the draw, the round and its targets in one transaction.
 * The draw's inputs (scope, candidates and weights in the order considered, seed, counts, algorithm)
 * are stored with the round, and their hash with it and in the audit entry, so the round can be
 * replayed from its seed and a change to the stored inputs shows (verifyDraw).
 */
export async function planRound(deps: Deps, actor: { userId: number; unit: Unit }, input: RoundInput, now = Date.now(), seed = newSeed()) {
  const candidates = await candidatesFor(deps, input.scopeCode, now);
  if (candidates.length === 0) throw new SpotCheckError('no_townships', 400);
  const inputs = drawInputs(input.scopeCode, seed, input.count, input.randomCount, candidates);
  const plan = redraw(inputs);
  const stored = serializeInputs(inputs);
  const inputsHash = hashInputs(stored);
  const randomCount = plan.filter((d) => d.drawnBy === 'random').length;
  const round = await withTransaction(deps.db, async (tx) => {
    const row = await repo.insertRound(tx, { unitId: actor.unit.id, name: input.name, seed, townshipCount: plan.length, randomCount, createdBy: actor.userId, createdAt: now, drawInputs: stored, drawInputsHash: inputsHash });
    await repo.insertTargets(
      tx,
      plan.map((d) => ({ roundId: row.id, townshipCode: d.code, drawnBy: d.drawnBy, weight: d.weight, position: d.position })),
    );
    // Where the round goes stays out of the log: administrators read it, and "四不两直" means no one is told.
    // The inputs' hash names no place, and lets a replay tell whether the stored inputs were changed.
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: actor.userId }, action: 'spot_check.round_planned', object: { type: 'spot_check_round', id: row.id }, detail: { unit: actor.unit.id, townships: plan.length, random: randomCount, candidates: candidates.length, restricted: input.scopeCode !== actor.unit.regionCode, inputsHash } }, now);
    return row;
  });
  return { round, plan, requested: input.count };
}

/**
 * Draws a round again from its stored seed against the data as it stands at `now` (as of the
 * planning time, the same data gives the same targets). `scopeCode` is the region the round was
 * drawn over. For a replay of the draw as it was made, use verifyDraw, which reads the stored inputs.
 */
export async function replayRound(deps: Pick<Deps, 'db'>, round: repo.Round, scopeCode: string, now = Date.now()): Promise<Drawn[]> {
  return drawPlan(await candidatesFor(deps, scopeCode, now), { seed: round.seed, count: round.townshipCount, randomCount: round.randomCount });
}

/**
 * The number a test call went to and its listed duty hours as they stand now, kept with the check so
 * the call is judged against the hours that were listed (duty-hours.ts). `phone` undefined: the form
 * did not say, and the county's only listed number is meant; null: a number not on the list.
 */
export async function calledLine(deps: Pick<Deps, 'db'>, townshipCode: string, phone: string | null | undefined): Promise<{ phone: string; dutyHours: string } | null> {
  if (phone === null) return null;
  const { county } = await placeChain(deps.db, townshipCode);
  const lines = county ? await hotlinesFor(deps.db, county.code) : [];
  if (phone === undefined) {
    const own = lines.filter((l) => l.depth === 0);
    return own.length === 1 ? { phone: own[0]!.phone, dutyHours: own[0]!.dutyHours } : null;
  }
  const line = lines.find((l) => l.phone === phone);
  return line ? { phone: line.phone, dutyHours: line.dutyHours } : null;
}

export async function recordCheck(deps: Deps, staffUserId: number, round: repo.Round, target: repo.Target, input: CheckInput, now = Date.now()): Promise<repo.Check> {
  const line = input.hotlineCalledAt ? await calledLine(deps, target.townshipCode, input.hotlinePhone) : null;
  return withTransaction(deps.db, async (tx) => {
    const row = await repo.insertCheck(tx, {
      roundId: round.id,
      targetId: target.id,
      townshipCode: target.townshipCode,
      villageCode: input.villageCode,
      checkedOn: input.checkedOn,
      postingOk: input.postingOk,
      rosterOk: input.rosterOk,
      hotlineCalledAt: input.hotlineCalledAt,
      hotlineAnswered: input.hotlineAnswered,
      hotlinePhone: line?.phone ?? null,
      hotlineDutyHours: line?.dutyHours ?? null,
      casesChecked: input.casesChecked,
      findings: input.findings,
      createdBy: staffUserId,
      createdAt: now,
    });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staffUserId }, action: 'spot_check.recorded', object: { type: 'spot_check', id: row.id }, detail: { round: round.id, target: target.id, finding: input.findings !== null } }, now);
    return row;
  });
}

/**
 * 问题清单和整改台账: the finding becomes a ledger item (source 明查暗访) of the township's county
 * civil-affairs unit, placed at the village checked or else the township, linked from the check.
 */
export async function makeLedgerItem(deps: Deps, staffUserId: number, round: repo.Round, check: repo.Check, input: LedgerInput, now = Date.now()) {
  if (!check.findings) throw new SpotCheckError('no_findings');
  if (check.ledgerItemId !== null) throw new SpotCheckError('already_in_ledger');
  const { county } = await placeChain(deps.db, check.townshipCode);
  const unit = county ? await unitOfKind(deps.db, 'civil_affairs', county.code) : undefined;
  if (!unit) throw new Error(`no civil-affairs unit above township ${check.townshipCode}`);
  const item = await withTransaction(deps.db, async (tx) => {
    const row = await insertLedgerItem(tx, {
      reportId: null,
      source: 'spot_check',
      regionCode: check.villageCode ?? check.townshipCode,
      problem: check.findings!,
      measures: input.measures,
      unitId: unit.id,
      responsiblePerson: input.responsiblePerson,
      deadline: input.deadline,
      status: 'not_started',
      createdBy: staffUserId,
      createdAt: now,
      updatedAt: now,
    });
    if (!(await repo.linkLedgerItem(tx, check.id, row.id))) throw new SpotCheckError('already_in_ledger');
    const actor = { type: 'staff' as const, id: staffUserId };
    await record(tx, deps.keys['audit-mac'], { actor, action: 'spot_check.ledger_item', object: { type: 'spot_check', id: check.id }, detail: { round: round.id, ledgerItem: row.id } }, now);
    // The ledger shows an item's history from its own audit entries.
    await record(tx, deps.keys['audit-mac'], { actor, action: 'ledger.created', object: { type: 'ledger_item', id: row.id }, detail: { source: 'spot_check', unit: unit.id, deadline: input.deadline, spotCheck: check.id } }, now);
    return row;
  });
  deps.publicCache.invalidate();
  return item;
}
