// Recording that a declarant left office (issue 15): the date starts the retention period of their
// declaration, which the retention sweep (src/retention) deletes `declarationYears` later. Whoever
// manages the declarant records it (the county bureau or township, for non-user declarants); an
// empty date puts a declarant recorded by mistake back in office. Audited with the date only.
import { record } from '../audit/index.js';
import { todayInChina } from '../clocks/index.js';
import { withTransaction } from '../db/transaction.js';
import { dateFieldValue } from '../shared/date-input.js';
import type { Deps } from '../shared/deps.js';
import type { Outcome } from './relative-validation.js';
import * as repo from './repository.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Midnight in China (UTC+8, no daylight saving): the day a person leaves counts as theirs. */
const CST_OFFSET_MS = 8 * 3600_000;

/** The instant a China calendar date begins, or null when `text` is no real date. */
export function startOfChinaDay(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== text) return null;
  return utc - CST_OFFSET_MS;
}

export async function recordLeftOffice(deps: Pick<Deps, 'db' | 'keys'>, declarant: repo.Declarant, leftOn: string, actorId: number, now = Date.now()): Promise<Outcome<{ leftOfficeAt: number | null }>> {
  // 2026/12/7 or 2026年12月7日 typed where the browser has no date picker reads as 2026-12-07.
  const text = dateFieldValue(leftOn);
  let leftOfficeAt: number | null = null;
  if (text !== '') {
    leftOfficeAt = startOfChinaDay(text);
    if (leftOfficeAt === null) return { ok: false, errors: { left_on: 'retention.left_office.date_invalid' } };
    // A future date would start the clock early: it is recorded on or after the day.
    if (text > todayInChina(new Date(now))) return { ok: false, errors: { left_on: 'retention.left_office.date_future' } };
  } else if (declarant.leftOfficeAt === null) {
    return { ok: false, errors: { left_on: 'retention.left_office.date_required' } };
  }
  await withTransaction(deps.db, async (tx) => {
    await repo.updateDeclarant(tx, declarant.id, { leftOfficeAt });
    await record(
      tx,
      deps.keys['audit-mac'],
      { actor: { type: 'staff', id: actorId }, action: leftOfficeAt === null ? 'declaration.back_in_office' : 'declaration.left_office', object: { type: 'declarant', id: declarant.id }, detail: leftOfficeAt === null ? {} : { leftOn: text } },
      now,
    );
  });
  return { ok: true, value: { leftOfficeAt } };
}
