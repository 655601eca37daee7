// Objections (对此有异议) as staff see them: the reports filed from a roster or posting entry, in
// the user's scope (src/reports/casework/scope.ts: handling unit and below, assignments, recusal), grouped
// per village and, inside a village, per roster entry.
import type { Db } from '../db/connection.js';
import type { StaffContext } from '../plugins/auth.js';
import { scopeOf } from '../reports/index.js';
import { objectionReports } from '../reports/index.js';
import { findRegions } from '../regions/index.js';
import { assistanceTypeKey } from './assistance-labels.js';
import { yuan } from './posting-rules.js';
import * as repo from './repository.js';

/** Enough for any county's objections; older ones are reached through the report inbox. */
export const MAX_OBJECTIONS = 2000;

export interface ObjectionReport {
  id: number;
  caseNo: string;
  status: string;
  receivedAt: number;
}

export interface ObjectionEntry {
  recipientId: number;
  /** Null when the id does not name a roster entry (a hand-edited link). */
  recipient: { maskedName: string; householdSize: number; amount: string; type: string; typeKey: string; status: string; sinceOn: string; removedOn: string | null } | null;
  reports: ObjectionReport[];
}

export interface ObjectionVillage {
  code: string;
  name: string;
  within: string;
  publicHref: string | null;
  reportCount: number;
  entries: ObjectionEntry[];
}

export async function objectionGroups(db: Db, staff: StaffContext): Promise<{ villages: ObjectionVillage[]; total: number; capped: boolean }> {
  const scope = await scopeOf(db, staff);
  const rows = await objectionReports(db, scope.condition, MAX_OBJECTIONS + 1);
  const capped = rows.length > MAX_OBJECTIONS;
  const shown = rows.slice(0, MAX_OBJECTIONS);
  const recipients = new Map((await repo.recipientsByIds(db, shown.map((r) => r.entryId!))).map((r) => [r.id, r]));

  const villages = new Map<string, Map<number, ObjectionEntry>>();
  for (const r of shown) {
    const recipient = recipients.get(r.entryId!);
    // The roster entry names the village; a report whose link was edited keeps its own place.
    const village = recipient?.villageCode ?? r.placeCode;
    const entries = villages.get(village) ?? new Map<number, ObjectionEntry>();
    villages.set(village, entries);
    let entry = entries.get(r.entryId!);
    if (!entry) {
      entry = {
        recipientId: r.entryId!,
        recipient: recipient
          ? { maskedName: recipient.maskedName, householdSize: recipient.householdSize, amount: yuan(recipient.monthlyAmountFen), type: recipient.type, typeKey: '', status: recipient.status, sinceOn: recipient.sinceOn, removedOn: recipient.removedOn }
          : null,
        reports: [],
      };
      entries.set(r.entryId!, entry);
    }
    entry.reports.push({ id: r.id, caseNo: r.caseNo, status: r.status, receivedAt: r.receivedAt });
  }

  const regions = new Map((await findRegions(db, [...villages.keys()])).map((r) => [r.code, r]));
  const parents = new Map((await findRegions(db, [...regions.values()].map((r) => r.parentCode ?? ''))).map((r) => [r.code, r]));
  const out: ObjectionVillage[] = [...villages.entries()].map(([code, entries]) => {
    const region = regions.get(code);
    const list = [...entries.values()].sort((a, b) => b.reports.length - a.reports.length || a.recipientId - b.recipientId);
    // An entry with a recipient is grouped under the recipient's own village: its kind names the 低保.
    for (const e of list) if (e.recipient) e.recipient.typeKey = assistanceTypeKey(e.recipient.type, region?.kind);
    return {
      code,
      name: region?.name ?? code,
      within: region?.parentCode ? (parents.get(region.parentCode)?.name ?? '') : '',
      publicHref: region?.level === 'village' ? `/disclosure/villages/${code}` : null,
      reportCount: list.reduce((n, e) => n + e.reports.length, 0),
      entries: list,
    };
  });
  out.sort((a, b) => b.reportCount - a.reportCount || a.code.localeCompare(b.code));
  return { villages: out, total: shown.length, capped };
}
