// A reporter's follow-up messages are limited per report, and the staff's notices of them are
// coalesced (a security tester's finding: one query code sent 40 messages, each an e-mail, an
// in-app notice and a paid text to the township assignee). Past MESSAGES_PER_HOUR in an hour or
// MESSAGES_PER_DAY in a Beijing day the message is not recorded: the tracking page comes back (429,
// Retry-After) saying so, when to send again and whom to call, with the text still in its box. The
// assignee hears of replies at most once an hour, however many came; each one is on the report.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventsOf, fileReport, updateReport } from '../../src/reports/index.js';
import { addReporterMessage } from '../../src/reports/tracking.js';
import { MESSAGES_PER_DAY, MESSAGES_PER_HOUR } from '../../src/reports/reporter-message-limit.js';
import { insertHotlines } from '../../src/hotlines/index.js';
import { noticeCount } from '../../src/notifications/index.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { useSmsSender, type SmsMessage } from '../../src/sms/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { findUser, updateUser, type User } from '../../src/users/index.js';
import { translate } from '../../src/i18n/translate.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { html, trackWithCode } from '../helpers/forms.js';
import { aVillageOf } from '../helpers/reports.js';
import { createStaff } from '../helpers/staff.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;

let t: TestApp;
const mails: OutgoingMail[] = [];
const texts: SmsMessage[] = [];

beforeAll(async () => {
  t = await makeApp();
  // Every staff e-mail and text recorded as it is handed over (the notices beside a reporter's
  // action are not awaited, but handed over before the action's page is answered).
  vi.spyOn(t.app.deps.mailer, 'sendLater').mockImplementation((m) => void mails.push(m));
  vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(async (m) => void mails.push(m));
  useSmsSender(t.app.deps.config, { send: async (m) => void texts.push(m) });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});
afterEach(() => {
  vi.useRealTimers();
});

let numbers = 0;
let ip = 0;

/** A township handler who chose e-mail and texts (the costly case). */
async function assignee(unitKey: string): Promise<User> {
  const { user } = await createStaff(t.app, unitKey, ['handler']);
  await updateUser(t.app.db, user.id, { mobile: `139${String(++numbers).padStart(8, '0')}`, noticeChannel: 'both' });
  return (await findUser(t.app.db, user.id))!;
}

/** A report in `county`, assigned to `user` (or to nobody). */
async function assignedReport(county: string, user: User | null) {
  const village = await aVillageOf(t.app, county);
  const filed = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: village, placeOther: null, countyCode: county, townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
  if (user) await updateReport(t.app.db, filed.report.id, { assigneeId: user.id, status: 'assigned' });
  return filed;
}

/** Signs in to tracking with the code; returns a way to post a message from the page. */
async function track(code: string, lang?: string) {
  const { res, jar } = await trackWithCode(t.app, code, `10.31.0.${++ip}`, lang);
  expect(res.statusCode).toBe(303);
  const page = await t.app.inject({ url: '/track/report', cookies: jar });
  const csrf = html.unescape(/name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
  return { send: (body: string) => t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf, body } }) };
}

const messagesOn = async (reportId: number) => (await eventsOf(t.app.db, reportId)).filter((e) => e.type === 'reporter_message');
const mailsTo = (u: User) => mails.filter((m) => m.to === u.email);
const textsTo = (u: User) => texts.filter((s) => s.to === u.mobile);
const inApp = (u: User) => noticeCount(t.app.db, u.id, { kind: 'reporter_replied' });
/** The error notice at the top of the page, as text. */
const alertOf = (body: string) => html.unescape(/<div class="notice error" role="alert">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '');
/** What the message box holds. */
const boxOf = (body: string) => html.unescape(/<textarea id="message-body"[^>]*>([\s\S]*?)<\/textarea>/.exec(body)?.[1] ?? '');

/** 09:00 Beijing time tomorrow: the test's hours do not cross a Beijing midnight by accident. */
const nineTomorrow = () => Math.floor((Date.now() + CST) / DAY) * DAY - CST + DAY + 9 * HOUR;

describe("a reporter's messages on one report", () => {
  it('the 40-message flood: past the hour’s allowance nothing is sent, the text stays, and the assignee hears once', async () => {
    const start = nineTomorrow();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const staff = await assignee('gov:220102001');
    const filed = await assignedReport('220102', staff);
    const reporter = await track(filed.queryCode);

    const statuses: number[] = [];
    let last = '';
    let lastRetryAfter = '';
    for (let n = 1; n <= 40; n++) {
      const res = await reporter.send(`催办消息 ${n}：村里的低保到底什么时候查？`);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        last = res.body;
        lastRetryAfter = String(res.headers['retry-after']);
      }
    }
    expect(statuses.slice(0, MESSAGES_PER_HOUR)).toEqual(Array(MESSAGES_PER_HOUR).fill(303));
    expect(statuses.slice(MESSAGES_PER_HOUR)).toEqual(Array(40 - MESSAGES_PER_HOUR).fill(429));
    // The refusal: the tracking page, saying the message was not sent, when to try again and whom
    // to call; what was typed is in the box.
    expect(alertOf(last)).toContain('这条留言没有发出去');
    expect(alertOf(last)).toContain('请过一个小时再点“发送”');
    // No hotline is listed for this county: 12345 alone, not "the numbers below".
    expect(alertOf(last)).toBe(translate('zh-CN', 'track.message_limit.hour_no_hotline'));
    expect(alertOf(last)).toContain('12345');
    expect(boxOf(last)).toBe('催办消息 40：村里的低保到底什么时候查？');
    expect(Number(lastRetryAfter)).toBe(3600);
    // Only the messages taken are on the report; the staff were told once, by each chosen channel.
    expect((await messagesOn(filed.report.id)).map((e) => e.body)).toEqual([1, 2, 3, 4, 5].map((n) => `催办消息 ${n}：村里的低保到底什么时候查？`));
    expect(await inApp(staff)).toBe(1);
    expect(mailsTo(staff)).toHaveLength(1);
    expect(textsTo(staff)).toHaveLength(1);

    // An hour later: five more are taken and the assignee hears once more.
    vi.setSystemTime(start + HOUR + 60_000);
    const later = await track(filed.queryCode);
    for (let n = 1; n <= MESSAGES_PER_HOUR; n++) expect((await later.send(`补充情况 ${n}`)).statusCode).toBe(303);
    expect(await inApp(staff)).toBe(2);
    expect(mailsTo(staff)).toHaveLength(2);
    expect(textsTo(staff)).toHaveLength(2);
    // Ten today: the next is refused until tomorrow (Beijing time), and the page says so.
    const dayFull = await later.send('明天还能发吗？');
    expect(dayFull.statusCode).toBe(429);
    expect(alertOf(dayFull.body)).toBe(translate('zh-CN', 'track.message_limit.day_no_hotline'));
    expect(alertOf(dayFull.body)).toContain('今天已经发满了');
    expect(alertOf(dayFull.body)).toContain('明天再用查询码进来发送');
    expect(boxOf(dayFull.body)).toBe('明天还能发吗？');
    expect(Number(dayFull.headers['retry-after'])).toBe((start - 9 * HOUR + DAY - Date.now()) / 1000);
    expect(await messagesOn(filed.report.id)).toHaveLength(MESSAGES_PER_DAY);

    // The next morning the reporter is heard again.
    vi.setSystemTime(start + DAY - 2 * HOUR);
    const tomorrow = await track(filed.queryCode);
    expect((await tomorrow.send('明天还能发吗？')).statusCode).toBe(303);
    expect(await messagesOn(filed.report.id)).toHaveLength(MESSAGES_PER_DAY + 1);
    expect(await inApp(staff)).toBe(3);
    expect(mailsTo(staff)).toHaveLength(3);
    expect(textsTo(staff)).toHaveLength(3);
  });

  it('a genuine reporter’s few messages all go, and the staff’s one notice leads to all of them', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: nineTomorrow() });
    const staff = await assignee('gov:220102001');
    const filed = await assignedReport('220102', staff);
    const reporter = await track(filed.queryCode);
    for (const body of ['评议会没有开。', '忘了说：是2025年秋天的事。', '村会计姓王。']) expect((await reporter.send(body)).statusCode).toBe(303);
    expect(await messagesOn(filed.report.id)).toHaveLength(3);
    expect(await inApp(staff)).toBe(1);
    // The notice names the report, where every message is.
    expect(mailsTo(staff)).toHaveLength(1);
    expect(mailsTo(staff)[0]!.text).toContain(`/staff/reports/${filed.report.id}`);
  });

  it('sent at once, meets the allowance one by one, and the intake officers are each told once', async () => {
    const now = nineTomorrow();
    // Unassigned: the township's intake officers answer for it (casework's responsibleFor).
    const intakeA = await createStaff(t.app, 'ca:220104', ['intake']);
    const intakeB = await createStaff(t.app, 'ca:220104', ['intake']);
    const filed = await assignedReport('220104', null);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, n) => addReporterMessage(t.app.deps, filed.report, `同时发出的第${n + 1}条`, now + n)));
    expect(outcomes.filter((o) => o === null)).toHaveLength(MESSAGES_PER_HOUR);
    expect(outcomes.filter((o) => o?.limit === 'hour')).toHaveLength(12 - MESSAGES_PER_HOUR);
    expect(await messagesOn(filed.report.id)).toHaveLength(MESSAGES_PER_HOUR);
    for (const staff of [intakeA, intakeB]) {
      expect(await inApp(staff.user)).toBe(1);
      expect(mailsTo(staff.user)).toHaveLength(1);
    }
  });

  it('is refused in Korean and English too, pointing to the hotlines listed on the page', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: nineTomorrow() });
    const unit = (await findUnitByKey(t.app.db, 'ca:220103'))!;
    await insertHotlines(t.app.db, [{ unitId: unit.id, regionCode: '220103', phone: '0431-82222222', dutyHours: '工作日 8:30–16:30', note: null, updatedAt: Date.now() }]);
    const staff = await assignee('ca:220103');
    for (const lang of ['ko', 'en']) {
      const filed = await assignedReport('220103', staff);
      const reporter = await track(filed.queryCode, lang);
      for (let n = 1; n <= MESSAGES_PER_HOUR; n++) expect((await reporter.send(`message ${n}`)).statusCode).toBe(303);
      const refused = await reporter.send('마을에서 또 일이 생겼습니다. 12345');
      expect(refused.statusCode).toBe(429);
      const alert = alertOf(refused.body);
      expect(alert).toBe(translate(lang as 'ko' | 'en', 'track.message_limit.hour'));
      expect(alert).not.toMatch(/[\u4e00-\u9fff]/);
      expect(refused.body).toContain('0431-82222222');
      expect(boxOf(refused.body)).toBe('마을에서 또 일이 생겼습니다. 12345');
    }
    expect(translate('ko', 'track.message_limit.hour')).toContain('신고 전화');
    expect(translate('en', 'track.message_limit.hour')).toContain('hotline listed at the bottom');
  });

  it('the texts name the numbers the code counts, in every language', () => {
    for (const locale of ['zh-CN', 'ko', 'en'] as const) {
      for (const suffix of ['', '_no_hotline']) {
        expect(translate(locale, `track.message_limit.hour${suffix}`)).toContain(String(MESSAGES_PER_HOUR));
        expect(translate(locale, `track.message_limit.day${suffix}`)).toContain(String(MESSAGES_PER_DAY));
      }
    }
  });
});
