// A second lead of a unit for tests that need an answer approved (issue 19 item 9: nobody approves
// the answer they wrote, so a lead's own draft waits for another lead).
//
//   r = await workflow.draftConclusion(deps, lead, r, …);  r = await approvedBySecondLead(app, r, now);
//   await lead.post(`${page}/conclude`, …);          await approveBySecondLeadRoute(app, page);
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { approveConclusion } from '../../src/reports/casework/workflow.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { findReport, type Report } from '../../src/reports/index.js';
import { findUnit } from '../../src/units/index.js';
import { createStaff, signIn, type Session, type TestStaff } from './staff.js';

const leads = new WeakMap<FastifyInstance, Map<number, { staff: TestStaff; session?: Session }>>();

async function secondLeadOf(app: FastifyInstance, unitId: number) {
  const byUnit = leads.get(app) ?? new Map();
  leads.set(app, byUnit);
  let lead = byUnit.get(unitId);
  if (!lead) {
    const unit = (await findUnit(app.db, unitId))!;
    lead = { staff: await createStaff(app, unit.key, ['lead'], { displayName: '第二负责人' }) };
    byUnit.set(unitId, lead);
  }
  return lead;
}

/** Approves the waiting draft of `report` as another lead of its handling unit (service level). */
export async function approvedBySecondLead(app: FastifyInstance, report: Report, now = Date.now()): Promise<Report> {
  const lead = await secondLeadOf(app, report.handlingUnitId);
  const context: StaffContext = staffContext(lead.staff.user, (await findUnit(app.db, report.handlingUnitId))!);
  await approveConclusion(app.deps, context, (await findReport(app.db, report.id))!, now);
  return (await findReport(app.db, report.id))!;
}

/** A signed-in second lead of the unit, for approving what the first lead wrote (a typical case …). */
export async function secondLeadSession(app: FastifyInstance, unitId: number): Promise<Session> {
  const lead = await secondLeadOf(app, unitId);
  lead.session ??= await signIn(app, lead.staff, '127.0.0.77');
  return lead.session;
}

/** Approves the waiting draft on the report page `page` (/staff/reports/:id) through the route. */
export async function approveBySecondLeadRoute(app: FastifyInstance, page: string): Promise<void> {
  const id = Number(page.split('/').pop());
  const session = await secondLeadSession(app, (await findReport(app.db, id))!.handlingUnitId);
  expect((await session.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
}
