// Batch 受理 (issue 19 item 12): intake ticks several received reports in the inbox and accepts them
// in one post. Each goes through the accept step on its own (scope, relation, state; its own event
// and audit entry); one refused leaves the others accepted; the page says which were accepted and
// which not, and why. A report of another county in the batch is refused as not found, unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { openForm } from '../../helpers/forms.js';
import { fileReportIn } from '../../helpers/reports.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, handler: Session;

/** Posts the inbox's batch form as a browser does: urlencoded, one `ids` per ticked box, the page's CSRF token. */
async function acceptBatch(who: Session, ids: number[]) {
  const page = await openForm(t.app, '/staff/reports', who.jar);
  const body = new URLSearchParams([['_csrf', page.csrf], ...ids.map((id) => ['ids', String(id)] as [string, string])]).toString();
  return t.app.inject({ method: 'POST', url: '/staff/reports/accept', cookies: page.cookies, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
}
const audited = async (id: number) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'report.accepted' and object_id = ${String(id)}`))!.n;

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
});
afterAll(() => t.close());

describe('batch 受理', () => {
  it('offers tick boxes on received reports to intake', async () => {
    const id = await fileReportIn(t.app, '220102');
    const page = await intake.get('/staff/reports');
    expect(page.body).toContain('action="/staff/reports/accept"');
    expect(page.body).toContain(`name="ids" value="${id}"`);
    expect((await handler.get('/staff/reports')).body).not.toContain('action="/staff/reports/accept"');
  });

  it('accepts the eligible ones, each audited, and says why the others were not', async () => {
    const a = await fileReportIn(t.app, '220102');
    const b = await fileReportIn(t.app, '220102');
    const already = await fileReportIn(t.app, '220102');
    expect((await acceptBatch(intake, [already])).statusCode).toBe(200);
    expect((await findReport(t.app.db, already))!.status).toBe('accepted');
    const otherCounty = await fileReportIn(t.app, '220103');

    const res = await acceptBatch(intake, [a, already, otherCounty, b]);
    expect(res.statusCode).toBe(200);
    for (const id of [a, b]) {
      const r = (await findReport(t.app.db, id))!;
      expect(r.status).toBe('accepted');
      expect(r.handlingDue).not.toBeNull();
      expect(await audited(id)).toBe(1);
    }
    expect(res.body).toContain('已受理（2件）');
    expect(res.body).toContain('未受理（2件）');
    const refused = res.body.slice(res.body.indexOf('未受理'));
    expect(refused).toContain((await findReport(t.app.db, already))!.caseNo);
    expect(refused).toContain('这件举报当前状态下不能进行此操作。');
    // Another county's report: refused as not found, its case number not shown, nothing changed.
    const other = (await findReport(t.app.db, otherCounty))!;
    expect(other.status).toBe('received');
    expect(await audited(otherCounty)).toBe(0);
    expect(res.body).not.toContain(other.caseNo);
    expect(refused).toContain(`#${otherCounty}：找不到这件举报，或它不在您的职责范围内`);
  });

  it('is closed to a handler, to a post without the CSRF token, and says so when nothing is ticked', async () => {
    const id = await fileReportIn(t.app, '220102');
    expect((await acceptBatch(handler, [id])).statusCode).toBe(403);
    const page = await openForm(t.app, '/staff/reports', intake.jar);
    const forged = await t.app.inject({ method: 'POST', url: '/staff/reports/accept', cookies: page.cookies, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `ids=${id}` });
    expect(forged.statusCode).toBe(403);
    expect((await findReport(t.app.db, id))!.status).toBe('received');
    const none = await acceptBatch(intake, []);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('没有勾选任何举报');
  });
});
