// Deadline reminders by the staff user's chosen channel (issue 24): a user who chose SMS and gave a
// mobile number gets the reminder as a text (case number, what happened; never the report's content)
// and no e-mail; one who chose both gets both; one who chose SMS without a number keeps e-mail.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeadlineSweep } from '../../../src/reports/casework/scheduler.js';
import { fileReport } from '../../../src/reports/index.js';
import { smsOutboxDir } from '../../../src/sms/index.js';
import { updateUser } from '../../../src/users/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { startSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { createStaff } from '../../helpers/staff.js';

const DAY = 86_400_000;
let smtp: TestSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeApp({ smtpUrl: smtp.url });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const texts = (): { to: string; text: string }[] => {
  const dir = smsOutboxDir(t.dataDir);
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) : [];
};

describe('deadline reminders by channel', () => {
  it('go as a text to a user who chose SMS, as both to one who chose both, and by e-mail without a number', async () => {
    const bySms = await createStaff(t.app, 'ca:220102', ['intake']);
    const byBoth = await createStaff(t.app, 'ca:220102', ['intake']);
    const noNumber = await createStaff(t.app, 'ca:220102', ['intake']);
    await updateUser(t.app.db, bySms.user.id, { mobile: '13900000001', noticeChannel: 'sms' });
    await updateUser(t.app.db, byBoth.user.id, { mobile: '13900000002', noticeChannel: 'both' });
    await updateUser(t.app.db, noNumber.user.id, { mobile: null, noticeChannel: 'sms' });
    const now = Date.now();
    const description = '村里低保名单上有已经去世三年的人还在领钱。';
    const { report } = await fileReport(
      t.app.deps,
      { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description, happenedAt: null, identity: null },
      [],
      { channel: 'online', nonce: null, now: now - 20 * DAY },
    );
    await runDeadlineSweep(t.app.deps, now);
    const about = texts().filter((m) => m.text.includes(report.caseNo));
    expect(about.map((m) => m.to).sort()).toEqual(['13900000001', '13900000002']);
    for (const m of about) {
      expect(m.text.length).toBeLessThanOrEqual(70);
      expect(m.text).not.toContain('去世');
    }
    await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    const mailed = smtp.inbox.filter((m) => m.text.includes(report.caseNo) && m.text.includes('已超期')).flatMap((m) => m.to);
    expect(mailed).toContain(byBoth.user.email);
    expect(mailed).toContain(noNumber.user.email);
    expect(mailed).not.toContain(bySms.user.email);
  });
});

describe('a deadline reminder whose text the gateway refuses', () => {
  it('goes by e-mail to a user who chose SMS only, once: the sweep does not retry it', async () => {
    const http = await import('node:http');
    const gateway = http.createServer((_req, res) => res.writeHead(400).end('{"code":"bad_number"}'));
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const port = (gateway.address() as { port: number }).port;
    try {
      const deps = { ...t.app.deps, config: { ...t.app.deps.config, sms: { ...t.app.deps.config.sms, url: `http://127.0.0.1:${port}/send`, retries: 0 } } };
      const smsOnly = await createStaff(t.app, 'ca:220103', ['intake']);
      await updateUser(t.app.db, smsOnly.user.id, { mobile: '13900000003', noticeChannel: 'sms' });
      const now = Date.now();
      const { report } = await fileReport(
        t.app.deps,
        { category: 'left_out', placeCode: '220103001001', placeOther: null, countyCode: '220103', townshipCode: '220103001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '申请了半年没人来核查。', happenedAt: null, identity: null },
        [],
        { channel: 'online', nonce: null, now: now - 20 * DAY },
      );
      const mailedTo = () => smtp.inbox.filter((m) => m.text.includes(report.caseNo) && m.to.includes(smsOnly.user.email)).length;
      await runDeadlineSweep(deps, now);
      await smtp.waitFor(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailedTo()).toBe(1);
      await runDeadlineSweep(deps, now + 60_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailedTo()).toBe(1);
    } finally {
      gateway.close();
    }
  });
});

describe('an assignment notice by channel', () => {
  it('reaches a user who chose SMS as a text, without an e-mail', async () => {
    const { notifyAssignee } = await import('../../../src/reports/casework/notify.js');
    const { findUser } = await import('../../../src/users/index.js');
    const { vi } = await import('vitest');
    const assignee = await createStaff(t.app, 'ca:220102', ['handler']);
    await updateUser(t.app.db, assignee.user.id, { mobile: '13900000009', noticeChannel: 'sms' });
    const { report } = await fileReport(
      t.app.deps,
      { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '邻居家有两辆小汽车还吃着低保。', happenedAt: null, identity: null },
      [],
      { channel: 'online', nonce: null },
    );
    const mailsBefore = smtp.inbox.length;
    await notifyAssignee(t.app.deps, (await findUser(t.app.db, assignee.user.id))!, report, 'assigned');
    await vi.waitFor(() => expect(texts().some((m) => m.to === '13900000009' && m.text.includes(report.caseNo))).toBe(true), { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.inbox.slice(mailsBefore).some((m) => m.to.includes(assignee.user.email))).toBe(false);
  });
});
