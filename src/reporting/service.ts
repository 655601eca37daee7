// Reporting up the hierarchy (issue 7): who submits what, who sees what, drafts and submissions,
// the figures of each unit (frozen at submission, live before), roll-ups and the compiled draft.
import type { Deps } from '../shared/deps.js';
import type { Executor } from '../db/executor.js';
import type { Db } from '../db/connection.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Role } from '../users/index.js';
import { withTransaction } from '../db/transaction.js';
import { record } from '../audit/index.js';
import { civilAffairsUnitsAtLevel, supervisedUnitIds, type Unit } from '../units/index.js';
import { findRegion } from '../regions/index.js';
import { todayInChina } from '../clocks/index.js';
import { formatDate } from '../views/helpers/date.js';
import { SECTIONS, SECTION_MAX, caseQuartersOf, hasStatistics, periodOf, submitterLevel, tasksForYear, type Section, type TaskKind } from './catalog.js';
import { parseStatistics, rollUp, type Statistics } from './statistics.js';
import { liveStatistics } from './live-statistics.js';
import * as repo from './repository.js';

export const EDIT_ROLES: Role[] = ['lead', 'supervisor', 'handler'];
/** Of units above, these roles read the submissions below (the people who compile and supervise). */
export const ABOVE_VIEW_ROLES: Role[] = ['supervisor', 'lead', 'handler'];
export const TASK_ADMIN_ROLES: Role[] = ['supervisor'];

export type DisplayStatus = 'not_started' | 'draft' | 'submitted' | 'overdue';

export interface SubmissionState {
  status: DisplayStatus;
  /** Submitted after the due date. */
  late: boolean;
  /** Something has been written in it (an empty draft created by a reminder is not started). */
  started: boolean;
}

export function kindOf(task: repo.Task): TaskKind {
  return task.kind as TaskKind;
}

export function stateOf(task: repo.Task, sub: repo.Submission | undefined, today = todayInChina()): SubmissionState {
  const started = !!sub && SECTIONS.some((s) => sub[s].trim() !== '');
  if (sub?.status === 'submitted') return { status: 'submitted', late: formatDate(sub.submittedAt) > task.dueOn, started: true };
  if (today > task.dueOn) return { status: 'overdue', late: false, started };
  return { status: started ? 'draft' : 'not_started', late: false, started };
}

export async function isProvinceUnit(db: Executor, unit: Unit): Promise<boolean> {
  return unit.kind === 'civil_affairs' && (await findRegion(db, unit.regionCode))?.level === 'province';
}

export async function mayCreateTasks(db: Executor, staff: StaffContext): Promise<boolean> {
  return TASK_ADMIN_ROLES.some((r) => staff.has(r)) && (await isProvinceUnit(db, staff.unit));
}

/** Creates the year's seven tasks with the notice's deadlines (the ones not there yet). */
export async function createTasksForYear(deps: Deps, year: number, actor: StaffContext | null, now = Date.now()): Promise<repo.Task[]> {
  return withTransaction(deps.db, async (tx) => {
    const created = await repo.insertTasks(tx, tasksForYear(year), actor?.user.id ?? null, now);
    for (const task of created) {
      await record(tx, deps.keys['audit-mac'], { actor: actor ? { type: 'staff', id: actor.user.id } : { type: 'system' }, action: 'reporting.task_created', object: { type: 'reporting_task', id: task.id }, detail: { kind: task.kind, year, quarter: task.quarter, dueOn: task.dueOn } }, now);
    }
    return created;
  });
}

/** Whether a unit is one that submits this task. */
export async function isSubmitter(db: Executor, task: repo.Task, unit: Unit): Promise<boolean> {
  return unit.kind === 'civil_affairs' && (await findRegion(db, unit.regionCode))?.level === submitterLevel(kindOf(task));
}

/** May this user read the unit's submission for the task? Own unit: anyone of it; units below: ABOVE_VIEW_ROLES. */
export async function mayView(db: Db, staff: StaffContext, task: repo.Task, unit: Unit): Promise<boolean> {
  if (!(await isSubmitter(db, task, unit))) return false;
  if (staff.unit.id === unit.id) return true;
  if (!ABOVE_VIEW_ROLES.some((r) => staff.has(r))) return false;
  return (await supervisedUnitIds(db, staff.unit.id)).includes(unit.id);
}

export function mayEdit(staff: StaffContext, unit: Unit, sub: repo.Submission | undefined): boolean {
  return staff.unit.id === unit.id && EDIT_ROLES.some((r) => staff.has(r)) && sub?.status !== 'submitted';
}

/** Only the unit's lead submits (报送 goes out under the lead's responsibility). */
export function maySubmit(staff: StaffContext, unit: Unit, sub: repo.Submission | undefined): boolean {
  return staff.unit.id === unit.id && staff.has('lead') && sub?.status !== 'submitted';
}

function periodWithQuarters(task: { year: number; quarter: number | null }) {
  return { ...periodOf(task), quarters: caseQuartersOf(task) };
}

/** County figures for a task: frozen where submitted, live for the others. */
async function countyFigures(db: Executor, task: repo.Task | { year: number; quarter: number | null; id?: undefined }, counties: Unit[]): Promise<Map<number, Statistics>> {
  const out = new Map<number, Statistics>();
  const subs = task.id ? new Map((await repo.submissionsOfTasks(db, [task.id])).map((s) => [s.unitId, s])) : new Map<number, repo.Submission>();
  const needLive: Unit[] = [];
  for (const c of counties) {
    const frozen = subs.get(c.id)?.status === 'submitted' ? parseFrozen(subs.get(c.id)!) : null;
    if (frozen) out.set(c.id, frozen);
    else needLive.push(c);
  }
  const live = await liveStatistics(
    db,
    needLive.map((c) => c.regionCode),
    periodWithQuarters(task),
  );
  for (const c of needLive) out.set(c.id, live.get(c.regionCode)!);
  return out;
}

function parseFrozen(sub: repo.Submission): Statistics | null {
  return parseStatistics(sub.statistics);
}

/**
 * The figures of each unit for a task (null for a plan, which carries none). A county: its region's.
 * A city (city summary): the roll-up of its counties' annual-summary figures, each frozen where the
 * county submitted and live otherwise — unless the city has submitted, then its own frozen figures.
 */
export async function figuresFor(db: Db, task: repo.Task, unitList: Unit[]): Promise<Map<number, Statistics> | null> {
  if (!hasStatistics(kindOf(task))) return null;
  if (submitterLevel(kindOf(task)) === 'county') return countyFigures(db, task, unitList);
  const out = new Map<number, Statistics>();
  const own = new Map((await repo.submissionsOfTasks(db, [task.id])).map((s) => [s.unitId, s]));
  const countyTask = (await repo.findTaskByKey(db, 'county_summary', task.year, null)) ?? { year: task.year, quarter: null };
  const rolling: { city: Unit; counties: Unit[] }[] = [];
  for (const city of unitList) {
    const sub = own.get(city.id);
    const frozen = sub?.status === 'submitted' ? parseFrozen(sub) : null;
    if (frozen) out.set(city.id, frozen);
    else rolling.push({ city, counties: await civilAffairsUnitsAtLevel(db, 'county', await supervisedUnitIds(db, city.id)) });
  }
  if (rolling.length > 0) {
    // The counties of every city rolled up, read once (not one submissions read and live count per city).
    const counties = await countyFigures(db, countyTask, rolling.flatMap((r) => r.counties));
    for (const r of rolling) out.set(r.city.id, rollUp(r.counties.map((c) => counties.get(c.id)!), periodOf(task)));
  }
  return out;
}

export interface Texts {
  basic: string;
  practices: string;
  problems: string;
  suggestions: string;
}

export type FieldErrors = Partial<Record<Section | 'form', string>>;

/** Normalises line ends and drops control characters (they would break the Word file). */
export function cleanText(value: unknown): string {
  if (typeof value !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '').trim();
}

export function validateTexts(body: Record<string, unknown>, requireAll: boolean): { texts: Texts; errors: FieldErrors } {
  const texts = Object.fromEntries(SECTIONS.map((s) => [s, cleanText(body[s])])) as unknown as Texts;
  const errors: FieldErrors = {};
  for (const s of SECTIONS) {
    if (texts[s].length > SECTION_MAX) errors[s] = 'reporting.errors.section_too_long';
    else if (requireAll && texts[s].length === 0) errors[s] = 'reporting.errors.section_required';
  }
  return { texts, errors };
}

export type SaveOutcome = { ok: true; submission: repo.Submission } | { ok: false; errors: FieldErrors };

/**
 * Saves the draft, or saves and submits it. `version` is the draft's updatedAt the form was opened
 * with: a draft changed meanwhile by a colleague is not overwritten (the form comes back with the input kept).
 */
export async function saveSubmission(deps: Deps, staff: StaffContext, task: repo.Task, unit: Unit, body: Record<string, unknown>, submit: boolean, now = Date.now()): Promise<SaveOutcome> {
  const { texts, errors } = validateTexts(body, submit);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const frozen = submit && hasStatistics(kindOf(task)) ? (await figuresFor(deps.db, task, [unit]))?.get(unit.id) : undefined;
  return withTransaction(deps.db, async (tx): Promise<SaveOutcome> => {
    const existing = await repo.submissionOf(tx, task.id, unit.id);
    if (existing?.status === 'submitted') return { ok: false, errors: { form: 'reporting.errors.already_submitted' } };
    // An empty draft created by a reminder has no editor yet: nobody's work can be lost.
    if (existing && existing.updatedBy !== null && String(existing.updatedAt) !== String(body.version ?? '')) return { ok: false, errors: { form: 'reporting.errors.conflict' } };
    let saved = await repo.saveDraft(tx, task.id, unit.id, texts, staff.user.id, now);
    if (!saved) return { ok: false, errors: { form: 'reporting.errors.already_submitted' } };
    if (submit) saved = (await repo.markSubmitted(tx, saved.id, frozen ? JSON.stringify(frozen) : null, staff.user.id, now))!;
    await record(tx, deps.keys['audit-mac'], {
      actor: { type: 'staff', id: staff.user.id },
      action: submit ? 'reporting.submitted' : 'reporting.saved',
      object: { type: 'reporting_submission', id: saved.id },
      detail: { task: task.id, unit: unit.id, ...(submit ? { late: todayInChina(new Date(now)) > task.dueOn } : {}) },
    }, now);
    return { ok: true, submission: saved };
  });
}

/**
 * The compiled draft: each section's texts of the submitted units, in region order, each headed by
 * the unit's name. A city compiles its counties' annual summaries into its own city summary.
 */
export async function compileTexts(db: Executor, sourceTask: repo.Task, sourceUnits: Unit[]): Promise<{ texts: Texts; count: number }> {
  const subs = new Map((await repo.submissionsOfTasks(db, [sourceTask.id])).map((s) => [s.unitId, s]));
  const done = sourceUnits.filter((u) => subs.get(u.id)?.status === 'submitted');
  const texts = {} as Texts;
  for (const s of SECTIONS) {
    texts[s] = done
      .map((u) => ({ u, text: subs.get(u.id)![s].trim() }))
      .filter((x) => x.text.length > 0)
      .map((x) => `【${x.u.name}】\n${x.text}`)
      .join('\n\n');
  }
  return { texts, count: done.length };
}

/** What a city's summary is compiled from: its counties' annual summaries of the same year. */
export async function compilationSource(db: Db, task: repo.Task, unit: Unit): Promise<{ task: repo.Task; units: Unit[] } | null> {
  if (kindOf(task) !== 'city_summary') return null;
  const countyTask = await repo.findTaskByKey(db, 'county_summary', task.year, null);
  if (!countyTask) return null;
  return { task: countyTask, units: await civilAffairsUnitsAtLevel(db, 'county', await supervisedUnitIds(db, unit.id)) };
}
