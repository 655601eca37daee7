// 常用答复: answer templates a unit keeps for the written answer (处理意见书, 信访工作条例 art. 32).
// Everyone sees their unit's templates and the province-wide ones; leads and supervisors edit
// their unit's; only users of 省民政厅 edit the province-wide ones.
import { record } from '../audit/index.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import type { StaffContext } from '../plugins/auth.js';
import { isCategory } from '../reports/index.js';
import type { Deps } from '../shared/deps.js';
import { forbidden, notFound } from '../shared/errors.js';
import * as repo from './repository.js';
import { isRowId } from '../db/dialect.js';

/** The unit whose users keep the province-wide templates. */
export const PROVINCE_UNIT_KEY = 'ca:220000';
export const TITLE_MAX = 60;
export const BODY_MAX = 5000;

export type Scope = 'unit' | 'province';
export type FieldErrors = Record<string, string>;

export interface TemplateInput {
  category: string;
  title: string;
  body: string;
  scope: string;
}

export function isProvinceUser(staff: StaffContext): boolean {
  return staff.unit.key === PROVINCE_UNIT_KEY;
}

/** May create templates at all (for their unit, and province-wide if at the province). */
export function canManage(staff: StaffContext): boolean {
  return staff.has('lead') || staff.has('supervisor');
}

export function canEdit(staff: StaffContext, template: repo.AnswerTemplate): boolean {
  if (!canManage(staff)) return false;
  return template.unitId === null ? isProvinceUser(staff) : template.unitId === staff.unit.id;
}

/** Templates a unit may use for a report's category: the unit's own first, then the province's. */
export async function templatesFor(db: Executor, unitId: number, category: string): Promise<repo.AnswerTemplate[]> {
  return await repo.listVisible(db, unitId, category);
}

/** One template, if the unit may use it (for prefilling an answer); undefined otherwise. */
export async function templateFor(db: Executor, unitId: number, id: number): Promise<repo.AnswerTemplate | undefined> {
  if (!isRowId(id)) return undefined;
  const template = await repo.findTemplate(db, id);
  return template && (template.unitId === null || template.unitId === unitId) ? template : undefined;
}

/** The template for a staff page: 404 when it is another unit's (as if it did not exist). */
export async function visibleTemplate(db: Executor, staff: StaffContext, id: number): Promise<repo.AnswerTemplate> {
  const template = await templateFor(db, staff.unit.id, id);
  if (!template) throw notFound();
  return template;
}

const clean = (v: string) => v.replace(/\r\n?/g, '\n').trim();
const length = (v: string) => [...v].length;

function validate(staff: StaffContext, input: TemplateInput, scopeFixed?: Scope): { values?: { category: string; title: string; body: string; scope: Scope }; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = clean(input.title).replace(/\s+/g, ' ');
  const body = clean(input.body);
  if (!isCategory(input.category)) errors.category = 'templates.errors.category';
  if (!title) errors.title = 'templates.errors.title_required';
  else if (length(title) > TITLE_MAX) errors.title = 'templates.errors.title_long';
  if (!body) errors.body = 'templates.errors.body_required';
  else if (length(body) > BODY_MAX) errors.body = 'templates.errors.body_long';
  const scope = scopeFixed ?? input.scope;
  if (scope !== 'unit' && scope !== 'province') errors.scope = 'templates.errors.scope';
  else if (scope === 'province' && !isProvinceUser(staff)) errors.scope = 'templates.errors.scope_province';
  if (Object.keys(errors).length > 0) return { errors };
  return { values: { category: input.category, title, body, scope: scope as Scope }, errors };
}

export async function createTemplate(deps: Deps, staff: StaffContext, input: TemplateInput, now = Date.now()): Promise<{ id?: number; errors: FieldErrors }> {
  if (!canManage(staff)) throw forbidden();
  const { values, errors } = validate(staff, input);
  if (!values) return { errors };
  const row = await withTransaction(deps.db, async (tx) => {
    const inserted = await repo.insertTemplate(tx, { unitId: values.scope === 'province' ? null : staff.unit.id, category: values.category, title: values.title, body: values.body, updatedBy: staff.user.id, updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'template.create', object: { type: 'answer_template', id: inserted.id }, detail: { category: values.category, scope: values.scope } }, now);
    return inserted;
  });
  return { id: row.id, errors };
}

/** Updates a template; its scope (unit or province-wide) stays what it was. */
export async function editTemplate(deps: Deps, staff: StaffContext, template: repo.AnswerTemplate, input: Omit<TemplateInput, 'scope'>, now = Date.now()): Promise<{ errors: FieldErrors }> {
  if (!canEdit(staff, template)) throw forbidden();
  const scope: Scope = template.unitId === null ? 'province' : 'unit';
  const { values, errors } = validate(staff, { ...input, scope }, scope);
  if (!values) return { errors };
  await withTransaction(deps.db, async (tx) => {
    await repo.updateTemplate(tx, template.id, { category: values.category, title: values.title, body: values.body, updatedBy: staff.user.id, updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'template.update', object: { type: 'answer_template', id: template.id }, detail: { category: values.category, scope } }, now);
  });
  return { errors };
}

export async function removeTemplate(deps: Deps, staff: StaffContext, template: repo.AnswerTemplate, now = Date.now()): Promise<void> {
  if (!canEdit(staff, template)) throw forbidden();
  await withTransaction(deps.db, async (tx) => {
    await repo.deleteTemplate(tx, template.id);
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'template.delete', object: { type: 'answer_template', id: template.id }, detail: { category: template.category, scope: template.unitId === null ? 'province' : 'unit' } }, now);
  });
}
