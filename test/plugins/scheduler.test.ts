// The scheduler (src/plugins/scheduler.ts) runs every sweep on its own timer: the report deadlines,
// the referral clocks and the ledger (issue 18 items 6 and 8), each logged when it sent something.
// A sweep written but never wired would chase nothing in production, so this starts a real app with
// the scheduler on and waits for its first round.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { insertItem } from '../../src/ledger/repository.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaff } from '../helpers/staff.js';

let smtp: TestSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeApp({ smtpUrl: smtp.url, schedulerSeconds: 1 });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

it('runs the ledger sweep with the others: an overdue rectification item reaches the supervisors above', async () => {
  const supervisor = await createStaff(t.app, 'ca:220100', ['supervisor']);
  await createStaff(t.app, 'ca:220102', ['lead']);
  const county = (await findUnitByKey(t.app.db, 'ca:220102'))!.id;
  const now = Date.now();
  await insertItem(t.app.db, { reportId: null, source: 'inspection_tour', regionCode: '220102', problem: '巡视发现部分村低保评议未召开村民代表会议。', measures: '重新组织民主评议。', unitId: county, responsiblePerson: '社会救助科科长', deadline: addDays(todayInChina(), -2), status: 'in_progress', createdBy: null, createdAt: now, updatedAt: now });
  // The first round starts 5 s after start-up.
  await vi.waitFor(() => expect(t.logs()).toContain('ledger sweep'), { timeout: 15_000, interval: 250 });
  await vi.waitFor(() => expect(smtp.inbox.some((m) => m.to.includes(supervisor.user.email))).toBe(true), { timeout: 5000 });
}, 30_000);

it('runs the reporter texts with the others: an accepted real-name report with a mobile number gets its text', async () => {
  const { fileReport, workflow, findReport } = await import('../../src/reports/index.js');
  const { staffContext } = await import('../../src/plugins/auth.js');
  const { smsOutboxDir } = await import('../../src/sms/index.js');
  const fs = await import('node:fs');
  const intake = await createStaff(t.app, 'ca:220102', ['intake']);
  const county = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  const { report } = await fileReport(
    t.app.deps,
    {
      category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
      subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null,
      identity: { name: '王秀英', phone: '13912345678', email: '', address: '', mobile: '13912345678', smsLocale: 'zh-CN' },
    } as never,
    [],
    { channel: 'online', nonce: null },
  );
  await workflow.accept(t.app.deps, staffContext(intake.user, county), (await findReport(t.app.db, report.id))!);
  const texts = () => (fs.existsSync(smsOutboxDir(t.dataDir)) ? fs.readdirSync(smsOutboxDir(t.dataDir)).map((f) => fs.readFileSync(`${smsOutboxDir(t.dataDir)}/${f}`, 'utf8')) : []);
  await vi.waitFor(() => expect(texts().some((text) => text.includes(report.caseNo))).toBe(true), { timeout: 15_000, interval: 250 });
}, 30_000);
