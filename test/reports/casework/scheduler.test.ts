import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeCount } from '../../../src/notifications/index.js';
import { runDeadlineSweep } from '../../../src/reports/casework/scheduler.js';
import { fileReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { startSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { createStaff, type TestStaff } from '../../helpers/staff.js';

let smtp: TestSmtp;
let t: TestApp;
let intake: TestStaff;
let citySupervisor: TestStaff;
let otherCounty: TestStaff;
const DAY = 86_400_000;

async function reportReceived(at: number) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null, now: at },
  );
  return filed.report;
}

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeApp({ smtpUrl: smtp.url });
  intake = await createStaff(t.app, 'ca:220102', ['intake']);
  citySupervisor = await createStaff(t.app, 'ca:220100', ['supervisor']);
  otherCounty = await createStaff(t.app, 'ca:220103', ['supervisor']);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('deadline sweep', () => {
  it('escalates an overdue report to the supervisors above, once, and reminds before a deadline', async () => {
    const now = Date.now();
    const overdue = await reportReceived(now - 20 * DAY);
    const soon = await reportReceived(now - 13 * DAY);
    await smtp.waitFor(2); // the two new-report notices
    const before = smtp.inbox.length;

    const first = await runDeadlineSweep(t.app.deps, now);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    await smtp.waitFor(before + 3);
    const mails = smtp.inbox.slice(before);
    const toSupervisor = mails.filter((m) => m.to.includes(citySupervisor.user.email));
    expect(toSupervisor.some((m) => m.text.includes('已超期') && m.text.includes(overdue.caseNo))).toBe(true);
    const toIntake = mails.filter((m) => m.to.includes(intake.user.email));
    expect(toIntake.some((m) => m.text.includes('即将到期') && m.text.includes(soon.caseNo))).toBe(true);
    for (const m of mails) expect(m.text).not.toContain('五百块钱');
    expect(mails.some((m) => m.to.includes(otherCounty.user.email))).toBe(false);

    // Safe to run twice: nothing new is sent.
    const count = smtp.inbox.length;
    const second = await runDeadlineSweep(t.app.deps, now);
    expect(second).toEqual({ reminded: 0, escalated: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.inbox.length).toBe(count);

    const badge = await noticeCount(t.app.db, citySupervisor.user.id, { kind: 'overdue' });
    expect(badge).toBeGreaterThanOrEqual(1);
  });
});
