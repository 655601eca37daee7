// What the report form needs to render: vocabularies, the place selects for the levels chosen so
// far, and the person's input and errors when it comes back.
import type { Db } from '../db/connection.js';
import { placePicker } from '../regions/index.js';
import { CATEGORIES, POSITION_CODES } from './catalog.js';
import type { FieldErrors } from './validate.js';
import { NOT_CLEANABLE_LABELS, ACCEPT_ATTRIBUTE, type FileProblem } from '../evidence/index.js';

export interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
  fileProblems: FileProblem[];
  /** Files that arrived with a rejected form and must be picked again. */
  droppedFiles: string[];
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values: { identity_mode: 'anonymous', ...values }, errors: {}, fileProblems: [], droppedFiles: [] });

export async function reportFormContext(db: Db, state: FormState, limits: { maxFiles: number; maxFileMb: number; maxTotalMb: number }) {
  const v = state.values;
  // The same four selects as every place picker; this form names its fields without a prefix and
  // adds an "other place" choice of its own (views/reports/form.hbs).
  const place = await placePicker(db, '', { prefecture: v.prefecture, county: v.county, township: v.township, village: v.village });
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
    prefectures: place.prefectures,
    counties: place.counties,
    townships: place.townships,
    villages: place.villages,
    villageOther: v.village === 'other',
    realName: v.identity_mode === 'real_name',
    limits,
    accept: ACCEPT_ATTRIBUTE,
    nonCleanable: NOT_CLEANABLE_LABELS,
  };
}
