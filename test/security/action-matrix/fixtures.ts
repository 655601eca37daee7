// Reports in a given state and a given relation to the acting user, for the actor × action ×
// relation matrix (issue 16 defect 6). The state comes from the action under test (so a permitted
// user's attempt can succeed); the relation is then laid over it: who handles, who is assigned,
// who reviews, and which transfer or referral is open or ended.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { fileReport, findReport } from '../../../src/reports/index.js';
import { updateReport, type NewReport, type Report } from '../../../src/reports/repository.js';
import { referralResults, referrals } from '../../../src/reports/referrals/tables.js';
import { transfers } from '../../../src/reports/transfers/tables.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { todayInChina, addDays } from '../../../src/clocks/index.js';
import type { User } from '../../../src/users/index.js';
import { encryptUploads, linkUploads } from '../../../src/evidence/index.js';

export const UNIT_KEYS = {
  county: 'ca:220102',
  township: 'gov:220102001',
  city: 'ca:220100',
  province: 'ca:220000',
  otherCounty: 'ca:220103',
  police: 'dept:220102:police',
  dic: 'dic:220102',
  dicCity: 'dic:220100',
} as const;
export type UnitName = keyof typeof UNIT_KEYS;

/** The acting user's relation to the report, as the matrix names it. */
export const RELATIONS = {
  own: 'county', // a user of the handling unit (not the responsible person)
  assignee: 'township', // the responsible person, in the township the report is assigned to
  assigned_unit: 'township', // another user of that township
  supervising: 'city', // the city above, without a take-over and not reviewing
  takeover: 'city', // the city after taking the report over (提级)
  reviewer: 'city', // the city answering the report's review
  other_county: 'otherCounty',
  dept_open: 'police', // the county police with an open transfer
  dept_ended: 'police', // … whose transfer has ended
  dic_open: 'dic', // the county commission with an open referral
  dic_returned: 'dic', // … which returned it
  dic_above: 'dicCity', // the city commission above the body with the open referral
} as const satisfies Record<string, UnitName>;
export type RelationName = keyof typeof RELATIONS;

export const PRESETS = ['received', 'accepted', 'assigned', 'investigating', 'drafted', 'extension_requested', 'assignment_extension_requested', 'concluded', 'under_review', 'hastened', 'transferred', 'referred', 'referral_accepted', 'referral_resulted', 'referral_concluded', 'under_rereview', 'staff_file'] as const;
export type Preset = (typeof PRESETS)[number];

export interface Fixture {
  report: Report;
  referralId: number | null;
  transferId: number | null;
  /** The staff investigation file of the 'staff_file' preset (issue 19 item 3). */
  staffFileId: number | null;
}

export const ANSWER = '经入户核查，您反映的问题部分属实，已停发该户低保金并追回多发部分，责成村委会重新评议。';

export class Fixtures {
  units = {} as Record<UnitName, Unit>;
  handlingDue = addDays(todayInChina(), 60);
  /** The 交办期限: well before the legal date, so the responsible person can ask for more time (issue 19 item 2). */
  assignmentDue = addDays(todayInChina(), 30);
  /** A received report of the county that merges go into. */
  mergeTarget: Report | null = null;

  /** `someone` is the township handler a report is assigned to when the actor is not the assignee; `clerk` signs referrals and transfers. */
  constructor(
    private app: FastifyInstance,
    public someone: User,
    private clerk: User,
  ) {}

  async init() {
    for (const [name, key] of Object.entries(UNIT_KEYS)) this.units[name as UnitName] = (await findUnitByKey(this.app.db, key))!;
    this.mergeTarget = await this.file();
  }

  async file(countyCode = '220102', townshipCode = '220102001', placeCode = '220102001001'): Promise<Report> {
    const { report } = await fileReport(
      this.app.deps,
      // No subject: a report about a village cadre would be hidden from the township (信访工作条例 art. 30).
      { category: 'favouritism', placeCode, placeOther: null, countyCode, townshipCode, subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: { name: '李秀兰', phone: '13904310000', email: '', address: '' } } as never,
      [],
      { channel: 'online', nonce: null },
    );
    return report;
  }

  private stateOf(preset: Preset, now: number): Partial<NewReport> {
    const accepted = { status: 'accepted', acceptedAt: now, handlingDue: this.handlingDue };
    const assignment = { assignedUnitId: this.units.township.id, assigneeId: this.someone.id, assignedAt: now, assignmentDue: this.assignmentDue };
    const investigating = { ...accepted, ...assignment, status: 'investigating' };
    const concluded = { ...investigating, status: 'concluded', finding: 'partly', concludedAt: now };
    switch (preset) {
      case 'received':
        return {};
      case 'accepted':
        return accepted;
      case 'assigned':
        return { ...accepted, ...assignment, status: 'assigned' };
      case 'investigating':
        return investigating;
      case 'drafted':
        return { ...investigating, answerDraft: JSON.stringify({ finding: 'partly', body: ANSWER, by: this.someone.id, at: now }) };
      case 'extension_requested':
        return { ...investigating, extensionRequest: JSON.stringify({ days: 10, reason: '需要入户核查的家庭较多。', by: this.someone.id }) };
      case 'assignment_extension_requested':
        // The township's responsible person asked the county for a later 交办期限.
        return { ...investigating, assignmentExtensionRequest: JSON.stringify({ due: addDays(this.assignmentDue, 15), reason: '需要入户核查的家庭较多。', by: this.someone.id, at: now }) };
      case 'concluded':
        return concluded;
      case 'under_review':
        return { ...concluded, status: 'under_review', reviewLevel: 1, reviewUnitId: this.units.city.id, statusBeforeReview: 'closed' };
      case 'under_rereview':
        return { ...concluded, status: 'under_review', reviewLevel: 2, reviewUnitId: this.units.city.id, statusBeforeReview: 'closed' };
      case 'hastened':
        return { ...investigating, hastenPending: true };
      case 'transferred':
        return { ...investigating, status: 'transferred', pausedSince: now };
      case 'referred':
      case 'referral_accepted':
      case 'referral_resulted':
        return { ...investigating, status: 'referred', pausedSince: now };
      case 'referral_concluded':
        // The body reported its result: the report is back with the handler, the clock running.
        return investigating;
      case 'staff_file':
        // Under investigation, with one file of staff material (the file is added in build).
        return investigating;
    }
  }

  private async addReferral(reportId: number, status: string, now: number): Promise<number> {
    const row = await this.app.db
      .insert(referrals)
      .values({ reportId, bodyUnitId: this.units.dic.id, referredBy: this.clerk.id, referredAt: now, opinion: '经初步核实，涉嫌优亲厚友，移送处理。', status, fromStatus: 'investigating', acceptDue: this.handlingDue, ...(status === 'accepted' ? { acceptedAt: now, acceptedBy: this.clerk.id } : {}), ...(status === 'returned' ? { returnedReason: '不属本机关管辖。' } : {}), ...(status === 'concluded' ? { acceptedAt: now, acceptedBy: this.clerk.id, resultKind: 'party', resultDetail: 'warning', resultText: '给予党内警告处分。', resultOn: this.handlingDue, concludedAt: now } : {}) })
      .returning()
      .get();
    return row.id;
  }

  private async addTransfer(reportId: number, status: string, now: number): Promise<number> {
    const row = await this.app.db
      .insert(transfers)
      .values({ reportId, departmentUnitId: this.units.police.id, transferredBy: this.clerk.id, transferredAt: now, note: '涉嫌违法，请依法处理。', dueOn: this.handlingDue, fromStatus: 'investigating', status, ...(status === 'concluded' ? { outcomeText: '已立案侦查。', outcomeAt: now, outcomeBy: this.clerk.id } : {}) })
      .returning()
      .get();
    return row.id;
  }

  /** A new report in `preset`'s state, with `relation` laid over it for `actor`. */
  async build(preset: Preset, relation: RelationName, actor: User): Promise<Fixture> {
    const now = Date.now();
    const report = await this.file();
    const changes: Partial<NewReport> = this.stateOf(preset, now);
    let referralId: number | null = null;
    let transferId: number | null = null;
    if (preset === 'referred' || preset === 'referral_accepted' || preset === 'referral_resulted' || preset === 'referral_concluded') referralId = await this.addReferral(report.id, { referred: 'pending', referral_accepted: 'accepted', referral_resulted: 'accepted', referral_concluded: 'concluded' }[preset], now);
    // Accepted with one result recorded: ready for 办结 (issue 19 item 11).
    if (preset === 'referral_resulted') await this.app.db.insert(referralResults).values({ referralId: referralId!, kind: 'party', detail: 'warning', text: '给予党内警告处分。', decidedOn: todayInChina(), recordedBy: this.clerk.id, recordedAt: now }).run();
    if (preset === 'transferred') transferId = await this.addTransfer(report.id, 'sent', now);
    // A city that is only supervising must not also be the reviewer, nor one that took the report over.
    const notCityReview = changes.reviewUnitId === this.units.city.id ? { reviewUnitId: this.units.province.id } : {};
    switch (relation) {
      case 'assignee':
        Object.assign(changes, { assignedUnitId: this.units.township.id, assigneeId: actor.id, assignedAt: now, assignmentDue: this.assignmentDue });
        break;
      case 'assigned_unit':
        Object.assign(changes, { assignedUnitId: this.units.township.id, assigneeId: this.someone.id, assignedAt: now, assignmentDue: this.assignmentDue });
        break;
      case 'supervising':
        Object.assign(changes, notCityReview);
        break;
      case 'takeover':
        Object.assign(changes, { handlingUnitId: this.units.city.id }, notCityReview);
        break;
      case 'reviewer':
        // The city reviews (or, for a re-review preset, re-reviews: the level is the preset's).
        Object.assign(changes, { status: 'under_review', finding: 'partly', concludedAt: now, reviewLevel: changes.reviewLevel === 2 ? 2 : 1, reviewUnitId: this.units.city.id, statusBeforeReview: 'closed' });
        break;
      case 'dept_open':
        transferId ??= await this.addTransfer(report.id, 'sent', now);
        break;
      case 'dept_ended':
        if (transferId) await this.app.db.run(sql`update transfers set status = 'concluded', outcome_text = '已立案侦查。' where id = ${transferId}`);
        else transferId = await this.addTransfer(report.id, 'concluded', now);
        break;
      case 'dic_open':
      case 'dic_above':
        referralId ??= await this.addReferral(report.id, 'pending', now);
        break;
      case 'dic_returned':
        if (referralId) await this.app.db.run(sql`update referrals set status = 'returned', returned_reason = '不属本机关管辖。' where id = ${referralId}`);
        else referralId = await this.addReferral(report.id, 'returned', now);
        break;
      default:
        break;
    }
    if (Object.keys(changes).length > 0) await updateReport(this.app.db, report.id, changes);
    const staffFileId = preset === 'staff_file' ? await this.addStaffFile(report.id, now) : null;
    return { report: (await findReport(this.app.db, report.id))!, referralId, transferId, staffFileId };
  }

  /** One file of staff material on the report, stored as an upload would be (the evidence door). */
  private async addStaffFile(reportId: number, now: number): Promise<number> {
    const deps = this.app.deps;
    const plain = path.join(deps.dirs.tmp, `matrix-${reportId}.pdf`);
    fs.writeFileSync(plain, '%PDF-1.4\n% matrix\n%%EOF\n');
    const uploads = await encryptUploads(deps.dirs, deps.keys.files, [{ originalName: '核查笔录.pdf', path: plain, sniff: { mime: 'application/pdf', ext: 'pdf', kind: 'document', cleanable: false }, cleaned: false } as never]);
    await linkUploads(this.app.db, deps.keys.identity, uploads, { type: 'report_staff', id: reportId }, { type: 'staff', id: this.clerk.id }, now, '核查笔录');
    return (await this.app.db.get<{ id: number }>(sql`select max(id) as id from evidence_files`))!.id;
  }
}
