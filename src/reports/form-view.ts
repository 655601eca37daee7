// What the report form needs to render: vocabularies, the place selects for the levels chosen so
// far, and the person's input and errors when it comes back.
import type { Db } from '../db/connection.js';
import { childrenOf, regionsAtLevel } from '../regions/index.js';
import { CATEGORIES, POSITION_CODES } from './catalog.js';
import type { FieldErrors } from './validate.js';
import type { FileProblem } from '../evidence/index.js';
import { NOT_CLEANABLE_LABELS, ACCEPT_ATTRIBUTE } from '../evidence/media/formats.js';

export interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
  fileProblems: FileProblem[];
  /** Files that arrived with a rejected form and must be picked again. */
  droppedFiles: string[];
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values: { identity_mode: 'anonymous', ...values }, errors: {}, fileProblems: [], droppedFiles: [] });

function options(rows: { code: string; name: string }[], selected: string | undefined) {
  return rows.map((r) => ({ value: r.code, label: r.name, selected: r.code === selected }));
}

export async function reportFormContext(db: Db, state: FormState, limits: { maxFiles: number; maxFileMb: number; maxTotalMb: number }) {
  const v = state.values;
  const prefectures = await regionsAtLevel(db, 'prefecture');
  const counties = v.prefecture ? await childrenOf(db, v.prefecture) : [];
  const townships = v.county && counties.some((c) => c.code === v.county) ? await childrenOf(db, v.county) : [];
  const villages = v.township && townships.some((t) => t.code === v.township) ? await childrenOf(db, v.township) : [];
  const errorList = Object.entries(state.errors).map(([field, key]) => ({ field, key }));
  return {
    values: v,
    errors: state.errors,
    errorList,
    hasErrors: errorList.length > 0 || state.fileProblems.length > 0,
    fileProblems: state.fileProblems,
    droppedFiles: state.droppedFiles,
    categories: CATEGORIES.map((c) => ({ value: c, checked: v.category === c })),
    positions: POSITION_CODES.map((p) => ({ value: p, selected: v.subject_position === p })),
    prefectures: options(prefectures, v.prefecture),
    counties: options(counties, v.county),
    townships: options(townships, v.township),
    villages: options(villages, v.village),
    villageOther: v.village === 'other',
    realName: v.identity_mode === 'real_name',
    limits,
    accept: ACCEPT_ATTRIBUTE,
    nonCleanable: NOT_CLEANABLE_LABELS,
  };
}
