// A reporter's reply on a report nobody is assigned to (issue 18 item 9): it reached nobody. Now the
// intake officers of the handling unit hear of it (in-app notice and e-mail, without content), or,
// where the unit has no intake officer, its leads — the deadline sweep's choice of who answers for
// a report (casework/notify.ts responsibleFor). An enabled assignee is still the only one told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, updateReport } from '../../src/reports/index.js';
import { noticeCount } from '../../src/notifications/index.js';
import { updateUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { pdfFile } from '../evidence/media/builders.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaff, type TestStaff } from '../helpers/staff.js';
import { aVillageOf } from '../helpers/reports.js';

let smtp: TestSmtp;
let t: TestApp;
let ip = 0;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeApp({ smtpUrl: smtp.url });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const REPLY = '2025年秋天评上的，评议会没有开。';

async function newReport(county: string, township: string, village: string) {
  return await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: village, placeOther: null, countyCode: county, townshipCode: township, subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
}

/** The reporter signs in with the query code and replies on the tracking page. */
async function reply(code: string) {
  ip += 1;
  const form = await openForm(t.app, '/track');
  const signIn = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.18.9.${ip}`, payload: { _csrf: form.csrf, code } });
  expect(signIn.statusCode).toBe(303);
  const jar = cookiesFrom(signIn, form.cookies);
  const page = await t.app.inject({ url: '/track/report', cookies: jar });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf, body: REPLY } });
  expect(res.statusCode).toBe(303);
}

/** Mails to `staff` telling them the reporter replied. */
const repliedMails = (staff: TestStaff) => smtp.inbox.filter((m) => m.to.includes(staff.user.email) && m.text.includes('举报人回复或补充了材料'));

describe("a reporter's reply on an unassigned report", () => {
  it('reaches the intake officers of the handling unit, by e-mail and in-app, without its content', async () => {
    const intakeA = await createStaff(t.app, 'ca:220102', ['intake']);
    const intakeB = await createStaff(t.app, 'ca:220102', ['intake', 'handler']);
    const lead = await createStaff(t.app, 'ca:220102', ['lead']);
    const handler = await createStaff(t.app, 'ca:220102', ['handler']);
    const filed = await newReport('220102', '220102001', '220102001001');
    expect(filed.report.assigneeId).toBeNull();

    await reply(filed.queryCode);
    for (const staff of [intakeA, intakeB]) {
      for (let waited = 0; repliedMails(staff).length === 0 && waited < 3000; waited += 25) await new Promise((r) => setTimeout(r, 25));
      const mails = repliedMails(staff);
      expect(mails, staff.user.username).toHaveLength(1);
      expect(mails[0]!.text).toContain(`/staff/reports/${filed.report.id}`);
      expect(mails[0]!.text).toContain(filed.report.caseNo);
      expect(mails[0]!.text).not.toContain('评议会没有开');
      expect(await noticeCount(t.app.db, staff.user.id, { kind: 'reporter_replied' })).toBe(1);
    }
    // The leads are the fallback only; a handler who is not responsible is not told.
    for (const staff of [lead, handler]) {
      expect(repliedMails(staff)).toHaveLength(0);
      expect(await noticeCount(t.app.db, staff.user.id, { kind: 'reporter_replied' })).toBe(0);
    }
  });

  it("reaches the unit's leads where it has no intake officer, and the unit rather than a disabled assignee", async () => {
    // 朝阳区 (220104): a lead and a handler, no intake officer.
    const lead = await createStaff(t.app, 'ca:220104', ['lead']);
    const handler = await createStaff(t.app, 'ca:220104', ['handler']);
    const village = await aVillageOf(t.app, '220104');
    const filed = await newReport('220104', village.slice(0, 9), village);
    await reply(filed.queryCode);
    for (let waited = 0; repliedMails(lead).length === 0 && waited < 3000; waited += 25) await new Promise((r) => setTimeout(r, 25));
    expect(repliedMails(lead)).toHaveLength(1);
    expect(await noticeCount(t.app.db, lead.user.id, { kind: 'reporter_replied' })).toBe(1);

    // Another report, assigned to the handler, who is then disabled: the reply goes to the unit as if
    // unassigned. (Another report: a second reply on the first within the hour is covered by the
    // lead's first notice, src/reports/reporter-reply-notice.ts.)
    const second = await newReport('220104', village.slice(0, 9), village);
    await updateReport(t.app.db, second.report.id, { assigneeId: handler.user.id });
    await updateUser(t.app.db, handler.user.id, { disabled: true });
    await reply(second.queryCode);
    for (let waited = 0; repliedMails(lead).length < 2 && waited < 3000; waited += 25) await new Promise((r) => setTimeout(r, 25));
    expect(repliedMails(lead)).toHaveLength(2);
    expect(repliedMails(handler)).toHaveLength(0);
  });

  it('files added on an unassigned report reach the intake officers too', async () => {
    const intake = await createStaff(t.app, 'ca:220103', ['intake']);
    const village = await aVillageOf(t.app, '220103');
    const filed = await newReport('220103', village.slice(0, 9), village);
    ip += 1;
    const form = await openForm(t.app, '/track');
    const signIn = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.18.9.${ip}`, payload: { _csrf: form.csrf, code: filed.queryCode } });
    const jar = cookiesFrom(signIn, form.cookies);
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const body = await multipart({}, [{ name: 'evidence', filename: '公示名单.pdf', content: pdfFile(), type: 'application/pdf' }]);
    const res = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(csrf)}`, cookies: jar, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(303);
    for (let waited = 0; repliedMails(intake).length === 0 && waited < 3000; waited += 25) await new Promise((r) => setTimeout(r, 25));
    expect(repliedMails(intake)).toHaveLength(1);
    expect(await noticeCount(t.app.db, intake.user.id, { kind: 'reporter_replied' })).toBe(1);
  });
});
