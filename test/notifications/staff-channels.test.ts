// Every notice to a staff user follows the channel the user chose (issue 24), through users'
// sendStaffNotice: the ledger sweep, statistical-reporting reminders, identity requests and their
// decisions, referrals to inspectors and transfers to a department's users. For each kind: a user who
// chose SMS gets a text in the SMS outbox and no e-mail; e-mail gets an e-mail and no text (though a
// number is on file); both gets both; SMS without a number still gets the e-mail. A unit's own
// address stays a plain e-mail. The services are driven directly, on one app, with a recording mailer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { notifyCustodians, notifyRequester } from '../../src/identity-access/notify.js';
import type { IdentityRequest } from '../../src/identity-access/repository.js';
import { runLedgerSweep } from '../../src/ledger/index.js';
import { insertItem } from '../../src/ledger/repository.js';
import { reminderClaimsOf } from '../../src/notifications/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { createTasksForYear, remindLateSubmissions } from '../../src/reporting/index.js';
import { fileReport, referralService, transferService, workflow } from '../../src/reports/index.js';
import type { Deps } from '../../src/shared/deps.js';
import { outboxSmsSender, smsOutboxDir, useSmsSender, type SmsMessage } from '../../src/sms/index.js';
import { findUnitByKey, type Unit } from '../../src/units/index.js';
import { findUser, sendStaffNotice, staffTextIn, updateUser, type User } from '../../src/users/index.js';
import { LOCALES } from '../../src/config.js';
import { translate } from '../../src/i18n/translate.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';

const DESCRIPTION = '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。';

let t: TestApp;
let deps: Deps;
const mails: OutgoingMail[] = [];
let numbers = 0;

beforeAll(async () => {
  t = await makeApp();
  // Every e-mail recorded, none sent: sent (awaited) and sendLater alike.
  deps = { ...t.app.deps, mailer: { send: async (m) => void mails.push(m), sendLater: (m) => void mails.push(m) } };
});
afterAll(() => t.close());

const texts = (): SmsMessage[] => {
  const dir = smsOutboxDir(t.dataDir);
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SmsMessage) : [];
};

interface Four {
  sms: User;
  email: User;
  both: User;
  noNumber: User;
}

const nextMobile = () => `139${String(++numbers).padStart(8, '0')}`;

/** Four users of `unitKey` holding `role`, one per choice; the e-mail-only one has a number on file too. */
async function fourUsers(unitKey: string, role: Parameters<typeof createStaff>[2][number]): Promise<Four> {
  const make = async (mobile: string | null, noticeChannel: string) => {
    const { user } = await createStaff(t.app, unitKey, [role]);
    await updateUser(t.app.db, user.id, { mobile, noticeChannel });
    return (await findUser(t.app.db, user.id))!;
  };
  return { sms: await make(nextMobile(), 'sms'), email: await make(nextMobile(), 'email'), both: await make(nextMobile(), 'both'), noNumber: await make(null, 'sms') };
}

/** Each user got the notice by the channel chosen: `about` picks the notice among e-mails and texts. */
async function expectChannels(users: Four, about: { mail: (m: OutgoingMail) => boolean; text: (s: SmsMessage) => boolean }) {
  const textsTo = (u: User) => texts().filter((s) => s.to === u.mobile && about.text(s));
  const mailsTo = (u: User) => mails.filter((m) => m.to === u.email && about.mail(m));
  // Notices beside a user's action are not awaited: wait for the texts to land.
  await vi.waitFor(() => {
    expect(textsTo(users.sms)).toHaveLength(1);
    expect(textsTo(users.both)).toHaveLength(1);
  }, { timeout: 5000 });
  expect(mailsTo(users.sms)).toEqual([]);
  expect(mailsTo(users.email)).toHaveLength(1);
  expect(textsTo(users.email)).toEqual([]);
  expect(mailsTo(users.both)).toHaveLength(1);
  expect(mailsTo(users.noNumber)).toHaveLength(1);
  for (const s of [...textsTo(users.sms), ...textsTo(users.both)]) {
    expect([...s.text].length).toBeLessThanOrEqual(70);
    expect(s.text).not.toContain('手续费');
    expect(s.text).toContain('请登录平台查看');
  }
}

async function acceptedReport(handler: User, unit: Unit) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: DESCRIPTION, happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return workflow.accept(deps, staffContext(handler, unit), report);
}

describe('staff notices by the chosen channel', () => {
  it('the ledger sweep: a rectification item due soon, named by its number', async () => {
    const users = await fourUsers('ca:220105', 'lead');
    const unit = (await findUnitByKey(t.app.db, 'ca:220105'))!;
    const now = Date.now();
    const item = await insertItem(t.app.db, { reportId: null, source: 'inspection_tour', regionCode: '220105', problem: '部分村低保评议未召开村民代表会议。', measures: '重新组织民主评议。', unitId: unit.id, responsiblePerson: '科长', deadline: addDays(todayInChina(new Date(now)), 1), status: 'in_progress', createdBy: null, createdAt: now, updatedAt: now });
    await runLedgerSweep(deps, now);
    await expectChannels(users, { mail: (m) => m.text.includes(`/staff/ledger/${item.id}`), text: (s) => s.text.includes(`第${item.id}号`) });
    expect(texts().find((s) => s.to === users.sms.mobile)!.text).not.toContain('评议');
    // Each recipient's claim is recorded: a second sweep sends nothing, by either channel.
    const before = { mails: mails.length, texts: texts().length };
    await runLedgerSweep(deps, now + 60_000);
    expect({ mails: mails.length, texts: texts().length }).toEqual(before);
  });

  it('statistical reporting: the late unit’s address by e-mail, its leads by their channel', async () => {
    const users = await fourUsers('ca:220104', 'lead');
    const unit = (await findUnitByKey(t.app.db, 'ca:220104'))!;
    await createTasksForYear(deps, 2025, null, Date.parse('2025-01-02T09:00:00+08:00'));
    // 10 April: the first quarter's table (due by then) is late the next morning.
    await remindLateSubmissions(deps, Date.parse('2025-04-11T08:00:00+08:00'));
    await expectChannels(users, { mail: (m) => m.subject.includes('报送已逾期'), text: (s) => s.text.includes('报送已逾期') });
    expect(mails.filter((m) => m.to === unit.email && m.subject.includes('报送已逾期'))).toHaveLength(1);
  });

  it('identity requests: the custodians told a request waits, the requester that it was decided', async () => {
    const custodians = await fourUsers('ca:220103', 'custodian');
    const requesters = await fourUsers('ca:220103', 'handler');
    const unit = (await findUnitByKey(t.app.db, 'ca:220103'))!;
    await notifyCustodians(deps, { deciderUnitId: unit.id, requesterId: requesters.sms.id, reportId: 1 } as IdentityRequest);
    await expectChannels(custodians, { mail: (m) => m.text.includes('/staff/identity-requests'), text: (s) => s.text.includes('待审批') });
    for (const requester of Object.values(requesters)) await notifyRequester(deps, { requesterId: requester.id, reportId: 1 } as IdentityRequest);
    await expectChannels(requesters, { mail: (m) => m.text.includes('/staff/reports/1/identity'), text: (s) => s.text.includes('审批结果') });
  });

  it('referrals: the body’s inspectors by their channel, the body’s address by e-mail', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const { user: handler } = await createStaff(t.app, 'ca:220102', ['handler', 'intake']);
    const report = await acceptedReport(handler, unit);
    const body = await referralService.bodyFor(deps, report);
    const inspectors = await fourUsers(body.key, 'inspector');
    await referralService.refer(deps, staffContext(handler, unit), report, '经初步核实，村会计收取手续费问题基本属实，移送处理。');
    await expectChannels(inspectors, { mail: (m) => m.subject.includes(report.caseNo), text: (s) => s.text.includes(report.caseNo) });
    expect(mails.filter((m) => m.to === body.email && m.subject.includes(report.caseNo))).toHaveLength(1);
  });

  it('transfers: the department’s users by their channel, its address by e-mail', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const police = (await findUnitByKey(t.app.db, 'dept:220102:police'))!;
    const officers = await fourUsers('dept:220102:police', 'handler');
    const { user: handler } = await createStaff(t.app, 'ca:220102', ['handler', 'intake']);
    const report = await acceptedReport(handler, unit);
    await transferService.transfer(deps, staffContext(handler, unit), report, police.id, addDays(todayInChina(), 10), '请公安部门核查车辆登记情况。');
    await expectChannels(officers, { mail: (m) => m.subject.includes(report.caseNo), text: (s) => s.text.includes(report.caseNo) });
    expect(mails.filter((m) => m.to === police.email && m.subject.includes(report.caseNo))).toHaveLength(1);
  });
});

describe('a text that fails', () => {
  const parts = (user: User) => ({ mail: { to: user.email, subject: 's', text: 't' }, text: { kind: 'ledger_overdue', vars: { itemId: 7 } } });
  const failing = { send: async () => Promise.reject(new Error('gateway down')) };

  it('beside an e-mail that went, is not retried and does not fail the notice; alone, becomes the e-mail', async () => {
    const users = await fourUsers('ca:220106', 'intake');
    mails.length = 0;
    expect(await sendStaffNotice(deps, users.both, parts(users.both), { sender: failing })).toEqual({ email: true, text: 'failed' });
    expect(await sendStaffNotice(deps, users.sms, parts(users.sms), { sender: failing })).toEqual({ email: true, text: 'failed' });
    expect(mails.map((m) => m.to)).toEqual([users.both.email, users.sms.email]);
  });

  it('after an e-mail that failed, is not sent: the claimed send throws and tries both again later', async () => {
    const users = await fourUsers('ca:220106', 'intake');
    const sent: SmsMessage[] = [];
    const down = { ...deps, mailer: { send: async () => Promise.reject(new Error('smtp down')), sendLater() {} } };
    await expect(sendStaffNotice(down, users.both, parts(users.both), { sender: { send: async (m) => void sent.push(m) } })).rejects.toThrow('smtp down');
    await expect(sendStaffNotice(down, users.sms, parts(users.sms), { sender: failing })).rejects.toThrow('smtp down');
    expect(sent).toEqual([]);
  });

  it('in the ledger sweep: the lone text’s user gets the e-mail once, and the claim is kept', async () => {
    const users = await fourUsers('ca:220106', 'lead');
    const unit = (await findUnitByKey(t.app.db, 'ca:220106'))!;
    const now = Date.now();
    const item = await insertItem(t.app.db, { reportId: null, source: 'inspection_tour', regionCode: '220106', problem: '低保台账不全。', measures: '补全台账。', unitId: unit.id, responsiblePerson: '科长', deadline: addDays(todayInChina(new Date(now)), 2), status: 'in_progress', createdBy: null, createdAt: now, updatedAt: now });
    useSmsSender(deps.config, failing);
    try {
      await runLedgerSweep(deps, now);
    } finally {
      useSmsSender(deps.config, outboxSmsSender(smsOutboxDir(t.dataDir)));
    }
    const about = (u: User) => mails.filter((m) => m.to === u.email && m.text.includes(`/staff/ledger/${item.id}`));
    for (const u of Object.values(users)) expect(about(u), u.noticeChannel).toHaveLength(1);
    expect((await reminderClaimsOf(t.app.db, item.id)).filter((c) => c.kind === 'ledger_due_soon' && c.sentAt !== null)).toHaveLength(4);
    await runLedgerSweep(deps, now + 60_000);
    for (const u of Object.values(users)) expect(about(u)).toHaveLength(1);
    expect(texts().filter((s) => s.text.includes(`第${item.id}号`))).toEqual([]);
  });
});

describe('the texts and the page', () => {
  it('fit 70 characters in every locale, naming the case or ledger item number', () => {
    for (const locale of LOCALES) {
      for (const kind of ['ledger_due_soon', 'ledger_overdue']) {
        const text = staffTextIn(locale, { kind, vars: { itemId: 999999 } });
        expect([...text].length, text).toBeLessThanOrEqual(70);
        expect(text).toContain('999999');
      }
      for (const kind of ['referral_received', 'transfer_received']) expect([...staffTextIn(locale, { kind, caseNo: 'JL2026-999999' })].length).toBeLessThanOrEqual(70);
      for (const kind of ['identity_request', 'identity_decided']) expect([...staffTextIn(locale, { kind })].length).toBeLessThanOrEqual(70);
      const late = staffTextIn(locale, { kind: 'reporting_overdue', vars: { title: '2025年第一季度农村低保专项治理工作进展情况统计报表（县级）'.repeat(2) } });
      expect([...late].length).toBe(70); // a long title is cut with "…", the way to the portal kept
    }
  });

  it('the channel page no longer says these notices are e-mail only', () => {
    for (const locale of LOCALES) expect(translate(locale, 'staff_notice_channel.intro')).not.toMatch(/其他通知|Other notices|기타 알림/);
    expect(translate('zh-CN', 'staff_notice_channel.intro')).toContain('整改事项');
    expect(translate('zh-CN', 'staff_notice_channel.intro')).toContain('查看举报人身份的申请和审批结果');
  });
});
