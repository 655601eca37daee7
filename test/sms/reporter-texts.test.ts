// Done-when of issue 24's SMS part: a real-name reporter who ticked "use this number for text
// messages" under a mobile contact phone gets a text in the outbox at acceptance, extension, answer
// and review deadline approaching — once each — and an anonymous reporter (even with the box ticked),
// a real-name one who left it unticked never does; a report filed with the old separate "mobile for
// texts" field keeps getting its texts. The number is nowhere in the database in clear (every file of
// the SQLite data folder, or a pg_dump) nor in the logs. Also the form's answers when the box is ticked
// under a landline: the message beside the box, everything typed kept, the files named to pick again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/db/transaction.js';
import { reports } from '../../src/reports/tables.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { findReport, runReporterSmsSweep, workflow, type Identity, type Report } from '../../src/reports/index.js';
import { validateIdentity } from '../../src/reports/validate.js';
import { unsealJson } from '../../src/shared/crypto.js';
import { markAnswerOpened } from '../../src/reports/tracking.js';
import { smsOutboxDir, smsText } from '../../src/sms/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { approvedBySecondLead } from '../helpers/four-eyes.js';
import { cookiesFrom, multipart, openForm, type FileField } from '../helpers/forms.js';
import { createStaff } from '../helpers/staff.js';
import { jpegWith } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

const MOBILE = '13987654321';
/** The number given in the old second field, beside a landline contact phone. */
const OLD_FIELD_MOBILE = '13711112222';
let t: TestApp;
let county: StaffContext;

beforeAll(async () => {
  t = await makeApp();
  county = staffContext((await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
});
afterAll(() => t.close());

/** Posts the public form as a browser without script does. */
async function post(fields: Record<string, string>, files: FileField[] = []) {
  const form = await openForm(t.app, '/report');
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...fields }, files);
  return t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.5' });
}

/** Files through the public form; returns the new report. */
async function file(fields: Record<string, string>): Promise<Report> {
  const res = await post(fields);
  expect(res.statusCode).toBe(200);
  const caseNo = /JL\d{4}-\d{6}/.exec(res.body)![0];
  const row = await query(t.app.db, (q) => q.select({ id: reports.id }).from(reports).where(eq(reports.caseNo, caseNo)).get());
  return (await findReport(t.app.db, row!.id))!;
}

const identityOf = (r: Report) => (r.identitySealed ? unsealJson<Identity>(t.app.deps.keys.identity, r.identitySealed, `report:${r.id}`) : null);
const reportCount = async () => (await query(t.app.db, (q) => q.select({ id: reports.id }).from(reports).all())).length;

type OutboxText = { to: string; text: string };
const outbox = (): OutboxText[] => {
  const dir = smsOutboxDir(t.dataDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OutboxText);
};
const textsAbout = (r: Report) => outbox().filter((m) => m.text.includes(r.caseNo));

/** Accepts, assigns, starts, extends, answers and lets the reporter open the answer, sweeping after each step. */
async function lifeCycle(report: Report, base: number, sweep: (at: number) => Promise<void>): Promise<Report> {
  let r = await workflow.accept(t.app.deps, county, report, base + 3600_000);
  await sweep(base + 3660_000);
  r = await workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, base + 7200_000);
  r = await workflow.start(t.app.deps, county, r, base + 7300_000);
  r = await workflow.requestExtension(t.app.deps, county, r, 20, '需要入户核查多户家庭的收入。', base + 7400_000);
  r = await workflow.decideExtension(t.app.deps, county, r, true, base + 7500_000);
  await sweep(base + 7560_000);
  r = await workflow.draftConclusion(t.app.deps, county, r, 'partly', '经核查，反映的情况部分属实，已责令村委会重新评议。', base + 10_800_000);
  r = await approvedBySecondLead(t.app, r, base + 10_900_000);
  await sweep(base + 10_960_000);
  return markAnswerOpened(t.app.deps, r, base + 14_400_000);
}

describe('texts to a real-name reporter', () => {
  it('reach the outbox at acceptance, extension, answer and review deadline, once each, and never for an anonymous reporter', async () => {
    // One phone field and the box under it; no second number field on a fresh form.
    const form = await openForm(t.app, '/report');
    expect(form.html).toContain('name="reporter_sms"');
    expect(form.html).not.toContain('name="reporter_mobile"');
    // The number typed as people do (+86, spaces) into the one phone field, box ticked.
    const typed = `+86 ${MOBILE.slice(0, 3)} ${MOBILE.slice(3, 7)} ${MOBILE.slice(7)}`;
    const named = await file(reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: typed, reporter_sms: 'on' }));
    expect(identityOf(named)).toMatchObject({ phone: typed, mobile: MOBILE, smsLocale: 'zh-CN' });
    // Anonymous: the phone typed before switching and the box ticked have no effect (no identity at all).
    const anonymous = await file(reportFields({ reporter_name: '王大妈', reporter_phone: '13500002222', reporter_sms: 'on' }));
    expect(anonymous.realName).toBe(false);
    expect(identityOf(anonymous)).toBeNull();
    // A mobile phone with the box left unticked: no texts.
    const noMobile = await file(reportFields({ identity_mode: 'real_name', reporter_name: '张桂芝', reporter_phone: '13600001111' }));
    expect(identityOf(noMobile)!.mobile).toBeUndefined();
    // A report filed with the old separate field (a landline as the phone) keeps its texts.
    const oldField = await file(reportFields({ identity_mode: 'real_name', reporter_name: '赵淑芬', reporter_phone: '0431-88885678', reporter_mobile: OLD_FIELD_MOBILE }));
    expect(identityOf(oldField)).toMatchObject({ phone: '0431-88885678', mobile: OLD_FIELD_MOBILE });
    const base = Date.now();
    const sweeps: number[] = [];
    const sweep = async (at: number) => {
      sweeps.push((await runReporterSmsSweep(t.app.deps, at)).sent);
    };
    for (const r of [named, anonymous, noMobile, oldField]) await lifeCycle(r, base, sweep);
    // The review window runs 30 days from the answer's first opening: nothing yet, then one text 3 days before its end.
    await sweep(base + 5 * 86_400_000);
    await sweep(base + 28 * 86_400_000);
    await sweep(base + 29 * 86_400_000);

    expect(textsAbout(named)).toEqual(
      (['accepted', 'extended', 'answered', 'review_due'] as const).map((kind) => ({ to: MOBILE, text: smsText('zh-CN', kind, named.caseNo, new URL(t.config.baseUrl).host), sentAt: expect.any(String) })),
    );
    // The text names the site's address, where the villager enters the query code.
    expect(textsAbout(named)[0]!.text).toContain(`${new URL(t.config.baseUrl).host}/track`);
    expect(textsAbout(anonymous)).toEqual([]);
    expect(textsAbout(noMobile)).toEqual([]);
    expect(textsAbout(oldField).map((m) => m.to)).toEqual([OLD_FIELD_MOBILE, OLD_FIELD_MOBILE, OLD_FIELD_MOBILE, OLD_FIELD_MOBILE]);
    expect(outbox()).toHaveLength(8);
    expect(sweeps.reduce((a, b) => a + b, 0)).toBe(8);

    // The number is nowhere in the database in clear, nor in the logs.
    const needles = [Buffer.from(MOBILE), Buffer.from(MOBILE, 'utf16le')];
    if (t.config.databaseUrl) {
      const dump = execFileSync('pg_dump', ['--data-only', t.config.databaseUrl], { maxBuffer: 512 * 1024 * 1024 });
      for (const n of needles) expect(dump.includes(n)).toBe(false);
      expect(dump.includes(Buffer.from('13600001111'))).toBe(false); // the identity's phone neither
    }
    const outboxDir = smsOutboxDir(t.dataDir);
    const files = (fs.readdirSync(t.dataDir, { recursive: true }) as string[]).map((f) => path.join(t.dataDir, f)).filter((f) => !f.startsWith(outboxDir) && fs.statSync(f).isFile());
    expect(files.some((f) => f.endsWith('.db') || f.endsWith('.sqlite') || t.config.databaseUrl)).toBe(true);
    for (const f of files) for (const n of needles) expect(fs.readFileSync(f).includes(n), f).toBe(false);
    expect(t.logs()).not.toContain(MOBILE);
    expect(t.logs()).not.toContain(MOBILE.slice(3));
  });

  it('brings the form back, without script, for the box ticked under a landline: the message beside the box, everything typed kept, files named to pick again, nothing filed', async () => {
    const before = await reportCount();
    const texts = outbox().length;
    const fields = reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: '0431-88881234', reporter_sms: 'on', reporter_email: 'lxl@example.invalid', reporter_address: '幸福村三组' });
    const photo: FileField = { name: 'evidence', filename: '低保名单.jpg', content: jpegWith(), type: 'image/jpeg' };
    const res = await post(fields, [photo]);
    expect(res.statusCode).toBe(400);
    // The message is in the summary (linked to the box) and right above the box, tied to it.
    expect(res.body).toContain('href="#field-reporter_sms"');
    const block = /<div class="field sms-choice has-error" id="field-reporter_sms">([\s\S]*?)<\/div>/.exec(res.body)?.[1] ?? '';
    expect(block).toContain('<p class="field-error" id="reporter_sms-error">这个号码不是手机号，收不到短信。');
    expect(block).toMatch(/<input type="checkbox" id="reporter_sms" name="reporter_sms" value="on" checked aria-describedby="reporter_sms-hint reporter_sms-error" aria-invalid="true">/);
    // Everything typed is kept; the phone is not changed behind the reporter's back.
    for (const v of ['value="李秀兰"', 'value="0431-88881234"', 'value="lxl@example.invalid"', 'value="幸福村三组"', fields.description!, 'value="real_name" checked']) expect(res.body).toContain(v);
    // The file is named, to be picked again (the form-retry rule for a form that comes back).
    expect(res.body).toContain('以下文件没有保存，请重新选择：');
    expect(res.body).toContain('低保名单.jpg');
    // A bad phone number gets its own message only, not a second one on the box.
    const badPhone = await post({ ...fields, reporter_phone: 'call me' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toContain('id="reporter_phone-error"');
    expect(badPhone.body).not.toContain('id="reporter_sms-error"');
    // Nothing filed, nothing texted; then the villager writes a mobile number and it goes through.
    expect(await reportCount()).toBe(before);
    expect(outbox()).toHaveLength(texts);
    const fixed = await file({ ...fields, reporter_phone: '139 0431 7777' });
    expect(identityOf(fixed)).toMatchObject({ phone: '139 0431 7777', mobile: '13904317777' });
    // Unticking instead also goes through, without texts.
    const { reporter_sms: _box, ...unticked } = fields;
    expect(identityOf(await file(unticked))!.mobile).toBeUndefined();
  });

  it('in English and Korean, the box says what the texts hold, and its message is in the reporter\'s language', async () => {
    for (const [lang, label, hintBit, message] of [
      ['en', 'Send text messages to this number', 'only your case number and how far your case has got', 'This is not a mobile number, so it cannot get texts'],
      ['ko', '이 번호로 문자 알림 받기', '신고 번호와 처리 진행상황만', '이 번호는 휴대전화 번호가 아니여서'],
    ] as const) {
      const jar = { lang };
      const form = await openForm(t.app, '/report', jar);
      expect(form.html).toContain(label);
      expect(form.html).toContain(hintBit);
      const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields({ identity_mode: 'real_name', reporter_name: 'Li Xiulan', reporter_phone: '0433-2512345', reporter_sms: 'on' }) });
      const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.5' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(message);
    }
  });

  it('anonymous: a landline with the box ticked is no error, and files no identity', async () => {
    const r = await file(reportFields({ reporter_phone: '0431-88881234', reporter_sms: 'on' }));
    expect(r.realName).toBe(false);
    expect(identityOf(r)).toBeNull();
  });

  it('still checks the old separate field from a page rendered before, and shows it again so it is not lost', async () => {
    const res = await post(reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: '0431-88881234', reporter_mobile: '12345678901' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填11位手机号');
    expect(res.body).toContain('value="12345678901"');
  });

  it('on the tracking page, a reporter who gives their name later uses the same box', async () => {
    // Filed anonymously; the query code is read where the villager reads it, on the confirmation page.
    const filed = await post(reportFields({ description: '村里把低保名额给了村干部的亲戚，真正困难的人家没有评上。' }));
    expect(filed.statusCode).toBe(200);
    const queryCode = { code: /id="query-code"[^>]*>([\d ]+)</.exec(filed.body)![1]!.replace(/ /g, ''), caseNo: /JL\d{4}-\d{6}/.exec(filed.body)![0] };
    const entry = await openForm(t.app, '/track');
    const signedIn = await t.app.inject({ method: 'POST', url: '/track', cookies: entry.cookies, remoteAddress: '203.0.113.6', payload: { _csrf: entry.csrf, code: queryCode.code } });
    expect(signedIn.statusCode).toBe(303);
    const jar = cookiesFrom(signedIn, entry.cookies);
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(page.body).toContain('name="reporter_sms"');
    expect(page.body).not.toContain('name="reporter_mobile"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const landline = await t.app.inject({ method: 'POST', url: '/track/identity', cookies: jar, payload: { _csrf: csrf, reporter_name: '李秀兰', reporter_phone: '0431-88881234', reporter_sms: 'on' } });
    expect(landline.statusCode).toBe(400);
    expect(landline.body).toContain('<p class="field-error" id="id-sms-error">这个号码不是手机号');
    expect(landline.body).toContain('value="0431-88881234"');
    expect(landline.body).toMatch(/name="reporter_sms" value="on" checked/);
    const given = await t.app.inject({ method: 'POST', url: '/track/identity', cookies: jar, payload: { _csrf: csrf, reporter_name: '李秀兰', reporter_phone: '13904318888', reporter_sms: 'on' } });
    expect(given.statusCode).toBe(303);
    const row = await query(t.app.db, (q) => q.select({ id: reports.id }).from(reports).where(eq(reports.caseNo, queryCode.caseNo)).get());
    expect(identityOf((await findReport(t.app.db, row!.id))!)).toMatchObject({ phone: '13904318888', mobile: '13904318888', smsLocale: 'zh-CN' });
  });
});

describe('validateIdentity: which number gets the texts', () => {
  const base = { reporter_name: '李秀兰' };
  it.each([
    ['a mobile, box ticked', { reporter_phone: '139-8765-4321', reporter_sms: 'on' }, { mobile: '13987654321' }, {}],
    ['a mobile, box not ticked', { reporter_phone: '13987654321' }, { mobile: undefined }, {}],
    ['a landline, box ticked', { reporter_phone: '0431-88881234', reporter_sms: 'on' }, null, { reporter_sms: 'report.errors.reporter_sms' }],
    ['a landline, box not ticked', { reporter_phone: '0431-88881234' }, { mobile: undefined }, {}],
    ['the old second field, beside a landline', { reporter_phone: '0431-88881234', reporter_mobile: '+86 137 1111 2222' }, { mobile: '13711112222' }, {}],
    ['the old second field, wrong', { reporter_phone: '0431-88881234', reporter_mobile: '1234' }, null, { reporter_mobile: 'report.errors.reporter_mobile' }],
  ] as [string, Record<string, string>, Partial<Identity> | null, Record<string, string>][])('%s', (_label, fields, identity, errors) => {
    const out = validateIdentity({ ...base, ...fields });
    expect(out.errors).toEqual(errors);
    if (identity === null) expect(out.identity).toBeNull();
    else {
      expect(out.identity!.phone).toBe(fields.reporter_phone);
      expect(out.identity!.mobile).toBe(identity.mobile);
    }
  });
});
