// A year of reports (举报), in the order they arrive, each with the life it has had so far: filed as
// src/reports/filing.ts fileReport() files it (receipt digest from the real queryCodeDigest(), the
// submission digest, identity sealed under the identity key, a `received` event, a `report.file`
// audit entry, the search index), then moved along as src/casework/workflow.ts applyStep() moves
// it (accept, assign, investigate, messages both ways, conclusion and answer, close or
// rectification, rating): one or two events and one audit entry per step. Steps are applied in
// time order across all reports (a heap), so event ids and the audit chain run in time order as in
// production. The report row is written once, in the state its last step left it.
import { dueFrom, ruleFor, type Calendar } from '../../src/clocks/index.js';
import type { Category, Position } from '../../src/reports/catalog.js';
import { groupQueryCode, queryCodeDigest } from '../../src/reports/receipt.js';
import { handlingLevel } from '../../src/reports/routing.js';
import { hmacHex, keyFromSecret, seal, sealJson } from '../../src/shared/crypto.js';
import type { BulkActor } from './audit.js';
import { SecretPool, ANSWERS, CATEGORY_TEXT, DAY, EXTRA_SENTENCES, REJECT_REASONS, REPORTER_MESSAGES, STAFF_MESSAGES, addDays, chinaDate, cumulative, int, personName, pick, pickWeighted } from './common.js';
import { staffOf, type StaffDirectory } from './staff.js';
import { inTransaction, type Village, type World } from './world.js';
import { Heap, newReportRow, REPORT_COLUMNS, type ReportRow, type Step } from './report-rows.js';

export interface ReportsSummary {
  reports: number;
  events: number;
  byStatus: Record<string, number>;
  rectificationItems: number;
  /** A few query codes of generated reports, to check afterwards that /track finds them. */
  sampleCodes: string[];
}

const CATEGORY_WEIGHTS: [Category, number][] = [
  ['favouritism', 14], ['connections', 12], ['wrong_grant', 16], ['left_out', 12], ['bribery', 6], ['embezzlement', 5],
  // 冒领 and 证折发放 (issue 18 item 10) share the weight false_claims had: the other categories and the random stream stay as before.
  ['false_claims', 2], ['impersonation', 3], ['bankbook_custody', 1], ['undeclared_relatives', 3],
  ['blanket_removal', 4], ['posting_irregular', 4], ['temporary_assistance', 5], ['extreme_poverty', 4], ['epidemic_poverty', 2], ['work_style', 5], ['organized_crime', 1], ['other', 3],
];
const POSITION_WEIGHTS: [Position | null, number][] = [
  ['village_cadre', 40], ['group_leader', 8], ['township_assistant', 12], ['township_official', 8], ['county_bureau_staff', 4], ['county_bureau_head', 1],
  ['county_leader', 1], ['city_bureau_staff', 1], ['province_staff', 0.3], ['other_official', 3], ['other', 5], [null, 17],
];
const HAPPENED = ['今年以来', '2026年3月', '去年冬天', '2026年春天', '上个月', null, null];
const CHANNELS = ['online', 'online', 'online', 'online', 'online', 'online', 'online', 'phone', 'phone', 'visit', 'letter'] as const;

/** `calendar`: the working-day calendar the real services use (loadCalendar), loaded before the bulk load. */
export function generateReports(w: World, calendar: Calendar, total: number, staff: StaffDirectory): ReportsSummary {
  const r = w.random;
  const s = w.sqlite;
  const dueMemo = new Map<string, string>();
  const due = (rule: 'xinfang.register' | 'xinfang.handling', at: number) => {
    const key = `${rule}|${chinaDate(at)}`;
    let d = dueMemo.get(key);
    if (!d) dueMemo.set(key, (d = dueFrom(calendar, rule, at).due));
    return d;
  };

  const villagesOf = new Map<string, Village[]>();
  for (const v of w.villages) villagesOf.set(v.county, [...(villagesOf.get(v.county) ?? []), v]);
  const counties = [...villagesOf.keys()];
  const countyWeights = cumulative(counties.map((c) => villagesOf.get(c)!.filter((v) => v.kind === 'village').length + 10));
  const categories = CATEGORY_WEIGHTS.map(([c]) => c);
  const categoryWeights = cumulative(CATEGORY_WEIGHTS.map(([, x]) => x));
  const positions = POSITION_WEIGHTS.map(([p]) => p);
  const positionWeights = cumulative(POSITION_WEIGHTS.map(([, x]) => x));
  const prefectureOf = new Map(w.counties.map((c) => [c.code, c.prefecture]));

  const insReport = s.prepare(`INSERT INTO reports (${REPORT_COLUMNS.join(', ')}) VALUES (${REPORT_COLUMNS.map(() => '?').join(', ')})`);
  const insEvent = s.prepare('INSERT INTO report_events (report_id, at, type, actor_type, actor_id, visible_to_reporter, body, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insItem = s.prepare(`INSERT INTO rectification_items (report_id, source, region_code, problem, measures, unit_id, responsible_person, deadline, status, progress, signed_off_by, signed_off_at, created_by, created_at, updated_at)
    VALUES (?, 'report', ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`);
  const signOff = s.prepare("UPDATE rectification_items SET status = 'signed_off', signed_off_by = ?, signed_off_at = ?, updated_at = ? WHERE id = ?");
  const insReminder = s.prepare('INSERT OR IGNORE INTO sent_reminders (report_id, kind, due_on, sent_at) VALUES (?, ?, ?, ?)');

  const summary: ReportsSummary = { reports: 0, events: 0, byStatus: {}, rectificationItems: 0, sampleCodes: [] };
  const secrets = new SecretPool();
  const heap = new Heap<Step>((a, b) => a.at - b.at || a.seq - b.seq);
  let seq = 0;
  const itemOfReport = new Map<number, number>();

  const apply = (step: Step) => {
    // The item's id is known only now (signOffItem's event names it).
    if (step.signOff) step.events[0]!.data = { item: itemOfReport.get(step.reportId)! };
    for (const e of step.events) {
      insEvent.run(step.reportId, step.at, e.type, step.actor.type, step.actor.type === 'staff' ? step.actor.id : null, e.visible ? 1 : 0, e.body ?? null, e.data ? JSON.stringify(e.data) : null);
      summary.events++;
    }
    if (step.item) {
      const it = step.item;
      const id = Number(insItem.run(step.reportId, it.region, '村评议小组成员未按规定回避', '重新组织民主评议，评议成员签署回避承诺', it.unit, '乡镇民政助理', it.deadline, 'not_started', null, null, it.by, step.at, step.at).lastInsertRowid);
      itemOfReport.set(step.reportId, id);
      summary.rectificationItems++;
    }
    if (step.signOff) signOff.run(step.signOff, step.at, step.at, itemOfReport.get(step.reportId)!);
    w.audit.append(step.at, step.actor, step.action, { type: 'report', id: step.reportId }, step.detail);
  };

  const firstId = ((s.prepare('SELECT max(id) AS m FROM reports').get() as { m: number | null }).m ?? 0) + 1;
  const start = w.now - 365 * DAY;
  const span = 365 * DAY - 3600_000;
  const lastAt = w.now - 10 * 60_000;
  const batch = 10_000;
  for (let i0 = 0; i0 < total; i0 += batch) {
    inTransaction(w, () => {
      for (let i = i0; i < Math.min(total, i0 + batch); i++) {
        const id = firstId + i;
        const t = start + Math.floor(((i + r()) / total) * span);
        for (let next = heap.peek(); next && next.at <= t; next = heap.peek()) apply(heap.pop()!);

        const county = pickWeighted(r, counties, countyWeights);
        const village = pick(r, villagesOf.get(county)!);
        const atTownship = r() < 0.05;
        const category = pickWeighted(r, categories, categoryWeights);
        const position = pickWeighted(r, positions, positionWeights);
        const isHead = (position === 'village_cadre' || position === 'township_official') && r() < 0.1;
        const level = handlingLevel(position, isHead);
        const unitRegion = level === 'county' ? county : level === 'prefecture' ? prefectureOf.get(county)! : w.provinceCode;
        const unit = w.civilAffairs.get(unitRegion)!;
        const channel = pick(r, CHANNELS);
        const realName = r() < 0.25;
        const code = secrets.queryCode();
        const nonce = channel === 'online' ? secrets.token() : null;
        const description = [r() < 0.5 ? `我是${village.name}的村民，` : '', pick(r, CATEGORY_TEXT[category]!), ...(r() < 0.6 ? [pick(r, EXTRA_SENTENCES)] : []), ...(r() < 0.3 ? [pick(r, EXTRA_SENTENCES)] : [])].join('');
        const subjectName = position && r() < 0.4 ? personName(r) : null;
        const placeOther = atTownship ? `${pick(r, ['东', '西', '南', '北', '前', '后'])}${pick(r, ['屯', '沟', '岗'])}` : null;
        const caseNo = `JL${new Date(t + 8 * 3600_000).getUTCFullYear()}-${String(id).padStart(6, '0')}`;
        const intake = staffOf(staff, unit, ['intake', 'lead'], r)!;
        const row: ReportRow = newReportRow({
          id, case_no: caseNo, receipt_digest: queryCodeDigest(w.keys['receipt-lookup'], code),
          submission_digest: nonce ? hmacHex(w.keys['receipt-lookup'], `submission:${nonce}`) : null,
          receipt_for_retry: nonce && t > w.now - DAY ? seal(keyFromSecret(nonce, 'receipt-retry'), code) : null,
          channel, category, place_code: atTownship ? village.township : village.code, place_other: placeOther, county_code: county, township_code: village.township,
          subject_name: subjectName, subject_position: position, subject_is_head: isHead ? 1 : 0, description, happened_at: pick(r, HAPPENED), real_name: realName ? 1 : 0,
          identity_sealed: realName ? sealJson(w.keys.identity, { name: personName(r), phone: `139${String(int(r, 0, 99_999_999)).padStart(8, '0')}`, email: '', address: '' }, `report:${id}`) : null,
          handling_unit_id: unit, status: 'received', received_at: t, updated_at: t, clock_rule: 'xinfang.register', due_on: due('xinfang.register', t),
        });
        if (summary.sampleCodes.length < 40 && i % Math.max(1, Math.floor(total / 40)) === 0) summary.sampleCodes.push(groupQueryCode(code));

        // The life so far: only steps before "now" happen; the row keeps the state of the last one.
        const steps: Omit<Step, 'seq' | 'reportId'>[] = [];
        const staffStep = (at: number, by: number, status: string | null, events: Step['events'], extra: Partial<Step> = {}) => {
          if (at > lastAt) return false;
          const from = row.status;
          if (status) row.status = status;
          steps.push({ at, actor: { type: 'staff', id: by }, events, action: `report.${events[0]!.type}`, detail: { from, to: row.status }, ...extra });
          row.updated_at = at;
          return true;
        };
        const reporterStep = (at: number, type: string, body: string | null, data: Record<string, unknown> | null, detail?: Record<string, unknown>) => {
          if (at > lastAt) return false;
          steps.push({ at, actor: { type: 'reporter' }, events: [{ type, visible: true, body, data }], action: `report.${type}`, detail });
          row.updated_at = at;
          return true;
        };
        const days = (lo: number, hi: number) => Math.floor((lo + r() * (hi - lo)) * DAY);
        const fate = r();
        if (fate < 0.04) {
          staffStep(t + days(0.5, 5), intake, 'rejected', [{ type: 'rejected', visible: true, body: pick(r, REJECT_REASONS) }]);
        } else if (fate < 0.05) {
          if (reporterStep(t + days(0.2, 4), 'withdrawn', null, null)) row.status = 'withdrawn';
        } else {
          const accepted = t + days(0.3, 6);
          const handlingDue = due('xinfang.handling', accepted);
          if (staffStep(accepted, intake, 'accepted', [{ type: 'accepted', visible: true, data: { handlingDue } }])) {
            Object.assign(row, { accepted_at: accepted, handling_due: handlingDue });
            const township = level === 'county' && !atTownship && r() < 0.25 ? w.townshipGov.get(village.township) : undefined;
            const townshipUser = township ? staffOf(staff, township, ['handler'], r) : null;
            const assignedUnit = townshipUser ? township! : unit;
            const assignee = townshipUser ?? staffOf(staff, unit, ['handler'], r)!;
            const assigned = accepted + days(0.1, 3);
            const assignmentDue = [addDays(chinaDate(assigned), 30), handlingDue].sort()[0]!;
            if (staffStep(assigned, intake, 'assigned', [{ type: 'assigned', visible: true, data: { unit: assignedUnit, due: assignmentDue } }])) {
              Object.assign(row, { assigned_unit_id: assignedUnit, assignee_id: assignee, assigned_at: assigned, assignment_due: assignmentDue });
              const started = assigned + days(0.2, 4);
              if (staffStep(started, assignee, 'investigating', [{ type: 'investigating', visible: true }])) {
                if (r() < 0.35) {
                  const asked = started + days(0.5, 10);
                  if (staffStep(asked, assignee, null, [{ type: 'staff_message', visible: true, body: pick(r, STAFF_MESSAGES) }]) && r() < 0.5) {
                    reporterStep(asked + days(0.1, 3), 'reporter_message', pick(r, REPORTER_MESSAGES), null);
                  }
                }
                const finding = pick(r, ['substantiated', 'partly', 'partly', 'unsubstantiated', 'unsubstantiated'] as const);
                const answer = pick(r, ANSWERS);
                const drafted = accepted + days(10, 50);
                const lead = staffOf(staff, unit, ['lead', 'supervisor'], r)!;
                if (staffStep(drafted, assignee, null, [{ type: 'answer_drafted', visible: false, data: { finding } }])) {
                  row.answer_draft = JSON.stringify({ finding, body: answer, by: assignee, at: drafted });
                  const concluded = drafted + days(0.5, 4);
                  if (staffStep(concluded, lead, 'concluded', [{ type: 'concluded', visible: true, data: { finding } }, { type: 'answer', visible: true, body: answer, data: { finding } }])) {
                    Object.assign(row, { answer_draft: null, concluded_at: concluded, finding });
                    const opened = concluded + days(0.1, 10);
                    if (r() < 0.7 && opened <= lastAt) row.answer_first_opened_at = opened;
                    let closed: number | null = null;
                    if (r() < 0.02 && finding !== 'unsubstantiated') {
                      const rectified = concluded + days(1, 5);
                      const item = { region: row.place_code, unit, deadline: addDays(chinaDate(rectified), 30), by: lead };
                      if (staffStep(rectified, lead, 'rectifying', [{ type: 'rectifying', visible: true, data: { items: 1 } }], { item })) {
                        const signed = rectified + days(20, 60);
                        if (r() < 0.6 && staffStep(signed, lead, 'closed', [{ type: 'item_signed_off', visible: false, data: { item: 0 } }, { type: 'closed', visible: true }], { signOff: lead })) closed = signed;
                      }
                    } else {
                      const at = concluded + days(1, 7);
                      if (staffStep(at, lead, 'closed', [{ type: 'closed', visible: true }])) closed = at;
                    }
                    if (closed && r() < 0.45) {
                      const rating = r() < 0.55 ? 'satisfied' : r() < 0.67 ? 'basically_satisfied' : 'dissatisfied';
                      const ratedAt = closed + days(0.5, 15);
                      if (reporterStep(ratedAt, 'rated', null, { rating }, { rating })) {
                        row.rating = rating;
                        row.rated_at = ratedAt;
                      }
                    }
                  }
                }
              }
            }
          }
        }
        const rule = ruleFor(row.status, 0);
        row.clock_rule = rule;
        row.due_on = rule === 'xinfang.register' ? row.due_on : rule ? row.handling_due : null;
        insReport.run(REPORT_COLUMNS.map((c) => row[c]));
        const filer: BulkActor = channel === 'online' ? { type: 'reporter' } : { type: 'staff', id: intake };
        insEvent.run(id, t, 'received', filer.type, filer.type === 'staff' ? filer.id : null, 1, null, JSON.stringify({ channel, files: 0 }));
        summary.events++;
        w.audit.append(t, filer, 'report.file', { type: 'report', id }, { channel, unit, files: 0, realName });
        w.search.index('report', id, [caseNo, subjectName ?? '', description, placeOther ?? '']);
        for (const st of steps) heap.push({ ...st, reportId: id, seq: seq++ });
        summary.byStatus[row.status] = (summary.byStatus[row.status] ?? 0) + 1;
        summary.reports++;
        if (row.due_on && rule) claimReminders(insReminder, id, row.due_on, w.now);
      }
    });
  }
  inTransaction(w, () => {
    while (heap.size) apply(heap.pop()!);
  });
  return summary;
}

/** What the daily deadline sweep would have claimed by now (src/casework/scheduler.ts), so its next run has nothing old to send. */
function claimReminders(ins: { run: (...a: unknown[]) => unknown }, id: number, dueOn: string, now: number): void {
  const today = chinaDate(now);
  if (dueOn <= addDays(today, 3)) ins.run(id, 'due_soon', dueOn, now - 3600_000);
  if (dueOn < today) ins.run(id, 'overdue', dueOn, now - 3600_000);
}

