// Shared setup for the typical-case tests: a concluded report about a village cadre in 双阳区鹿乡镇
// 丁家村, and a concluded referral of it to the county commission.
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { fileReport, findReport } from '../../src/reports/index.js';
import { referrals } from '../../src/reports/referrals/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import type { Session, TestStaff } from '../helpers/staff.js';
import { approveBySecondLeadRoute } from '../helpers/four-eyes.js';

export const COUNTY = '220112';
export const TOWNSHIP = '220112102'; // 鹿乡镇
export const VILLAGE = '220112102210'; // 丁家村委会

/** Files a report and takes it to concluded (substantiated) through the real routes, as a lead. */
export async function concludedReport(app: FastifyInstance, lead: Session, leadStaff: TestStaff, over: Record<string, unknown> = {}): Promise<number> {
  const { report } = await fileReport(
    app.deps,
    {
      category: 'favouritism', placeCode: VILLAGE, placeOther: null, countyCode: COUNTY, townshipCode: TOWNSHIP,
      subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '丁家村村主任王德福把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，电话13912345678。', happenedAt: null, identity: null,
      ...over,
    } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  const unit = (await findUnitByKey(app.db, `ca:${COUNTY}`))!;
  expect((await lead.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  await lead.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(leadStaff.user.id), due: (await findReport(app.db, report.id))!.handlingDue! }, page);
  await lead.post(`${page}/start`, {}, page);
  await lead.post(`${page}/conclude`, { finding: 'substantiated', answer: '经入户核查，您反映的问题属实，已停发该户低保金并追回违规资金，相关人员已移送纪检监察机关。' }, page);
  // The lead wrote it: another lead approves (four eyes, issue 19 item 9).
  await approveBySecondLeadRoute(app, page);
  expect((await findReport(app.db, report.id))!.status).toBe('concluded');
  return report.id;
}

/** A concluded referral as src/reports/referrals/service.ts recordResult leaves it (codes of its RESULT_KINDS). */
export async function concludedReferral(app: FastifyInstance, reportId: number, bodyKey = `dic:${COUNTY}`, result: { kind: string; detail: string | null } = { kind: 'party', detail: 'warning' }): Promise<number> {
  const body = (await findUnitByKey(app.db, bodyKey))!;
  const now = Date.now();
  const row = await app.db
    .insert(referrals)
    .values({
      reportId, bodyUnitId: body.id, referredBy: 1, referredAt: now - 86_400_000, opinion: '村干部优亲厚友，建议依纪处理。', status: 'concluded', fromStatus: 'investigating',
      acceptDue: '2026-12-31', acceptedAt: now - 80_000_000, disposition: '初步核实', dispositionAt: now - 70_000_000,
      resultKind: result.kind, resultDetail: result.detail, resultText: '经查，王德福在评议中为其弟弟违规办理低保，给予党内警告处分。', resultOn: '2026-11-01', concludedAt: now - 1000,
    })
    .returning({ id: referrals.id })
    .get();
  return row.id;
}

/** Clean facts to replace the placeholder with. */
export const FACTS = '经查，2025年3月至2026年1月，王某在低保民主评议中为其弟弟一家违规办理农村低保，违规领取低保金1.08万元，违规资金已全部追回。';
