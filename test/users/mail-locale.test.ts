// A staff user's e-mail language: set on their own profile (validated, CSRF-protected, audited),
// and used for every e-mail to that user; e-mails to a unit's address stay in the site default.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/audit/tables.js';
import { notifyAssignee } from '../../src/reports/casework/index.js';
import { notifyRequester } from '../../src/identity-access/notify.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { fileReport } from '../../src/reports/index.js';
import { notifyNewReport } from '../../src/reports/notify.js';
import { findUnitByKey } from '../../src/units/index.js';
import { findUser, mailLocaleOf, updateUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { html } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let me: Session;
let meStaff: TestStaff;
const mails: OutgoingMail[] = [];

async function newReport() {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001002', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return filed.report;
}

beforeAll(async () => {
  t = await makeApp();
  meStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '金英子' });
  me = await signIn(t.app, meStaff);
  vi.spyOn(t.app.deps.mailer, 'sendLater').mockImplementation((mail) => {
    mails.push(mail);
  });
});
beforeEach(() => {
  mails.length = 0;
});
afterAll(() => t.close());

describe('the e-mail language on the profile page', () => {
  it('offers the site default and the three languages, labelled in the page language', async () => {
    const page = await me.get('/staff/profile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/staff/profile/language"');
    expect(page.body).toContain('<label for="mail-locale">通知邮件语言</label>');
    expect(page.body).toMatch(/<option value="" selected>网站默认（中文）<\/option>/);
    expect(page.body).toContain('<option value="ko" lang="ko" >조선어</option>');
    expect(page.body).toContain('<option value="en" lang="en" >English</option>');
    const en = await t.app.inject({ url: '/staff/profile', cookies: { ...me.jar, lang: 'en' } });
    expect(en.body).toContain('<label for="mail-locale">E-mail language</label>');
    const ko = await t.app.inject({ url: '/staff/profile', cookies: { ...me.jar, lang: 'ko' } });
    expect(ko.body).toContain('<label for="mail-locale">알림 메일 언어</label>');
  });

  it('saves the chosen language, audits it and shows it selected', async () => {
    const res = await me.post('/staff/profile/language', { locale: 'ko' }, '/staff/profile');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/profile?done=language_saved#mail-language');
    expect((await findUser(t.app.db, meStaff.user.id))!.locale).toBe('ko');
    const page = await me.get('/staff/profile?done=language_saved');
    expect(page.body).toContain('通知邮件语言已保存。');
    expect(page.body).toContain('<option value="ko" lang="ko" selected>조선어</option>');
    expect(page.body).toMatch(/<option value="" >网站默认/);
    const audit = await t.app.db.select().from(auditLog).where(and(eq(auditLog.action, 'user.locale_update'), eq(auditLog.objectId, String(meStaff.user.id)))).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(meStaff.user.id);
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ locale: 'ko' });
  });

  it('refuses a value not in the list with a message on the same page, and changes nothing', async () => {
    const res = await me.post('/staff/profile/language', { locale: 'fr' }, '/staff/profile');
    expect(res.statusCode).toBe(400);
    const body = html.unescape(res.body);
    expect(body).toContain('请从列表中选择一种邮件语言。');
    expect(body).toContain('aria-describedby="mail-locale-hint mail-locale-error"');
    // The rest of the profile is still there, and the saved choice stays selected.
    expect(body).toContain('金英子');
    expect(body).toContain('南关区民政局');
    expect(body).toContain('action="/staff/profile/declaration"');
    expect(body).toContain('<option value="ko" lang="ko" selected>조선어</option>');
    expect((await findUser(t.app.db, meStaff.user.id))!.locale).toBe('ko');
  });

  it('refuses a post without a CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/staff/profile/language', cookies: me.jar, payload: { locale: 'en' } });
    expect(res.statusCode).toBe(403);
    expect((await findUser(t.app.db, meStaff.user.id))!.locale).toBe('ko');
  });

  it('goes back to the site default when the empty choice is saved', async () => {
    const res = await me.post('/staff/profile/language', { locale: '' }, '/staff/profile');
    expect(res.statusCode).toBe(303);
    expect((await findUser(t.app.db, meStaff.user.id))!.locale).toBeNull();
    expect(mailLocaleOf(t.config, (await findUser(t.app.db, meStaff.user.id))!)).toBe(t.config.defaultLocale);
  });
});

describe('e-mails in the recipient user\'s language', () => {
  it('writes to a Korean-preferring user in Korean and to others in the site default', async () => {
    const korean = await createStaff(t.app, 'ca:220102', ['handler']);
    await updateUser(t.app.db, korean.user.id, { locale: 'ko' });
    const chinese = await createStaff(t.app, 'ca:220102', ['handler']);
    const report = await newReport();
    mails.length = 0;

    await notifyAssignee(t.app.deps, (await findUser(t.app.db, korean.user.id))!, report, 'assigned');
    await notifyAssignee(t.app.deps, (await findUser(t.app.db, chinese.user.id))!, report, 'assigned');
    const toKorean = mails.find((m) => m.to === korean.user.email)!;
    expect(toKorean.subject).toBe(`【해빛구조감독플랫폼】신고 한건이 배정되였습니다 ${report.caseNo}`);
    expect(toKorean.text).toContain('배정되였습니다');
    expect(toKorean.text).toContain(`${t.config.baseUrl}/staff/reports/${report.id}`);
    expect(toKorean.html).toContain('플랫폼에 로그인하여 보십시오');
    const toChinese = mails.find((m) => m.to === chinese.user.email)!;
    expect(toChinese.subject).toContain('【阳光救助监督平台】');
    expect(toChinese.text).toContain('交办');
  });

  it('writes identity-request results in the requester\'s language, without the case', async () => {
    const requester = await createStaff(t.app, 'ca:220102', ['handler']);
    await updateUser(t.app.db, requester.user.id, { locale: 'en' });
    const report = await newReport();
    mails.length = 0;
    await notifyRequester(t.app.deps, { requesterId: requester.user.id, reportId: report.id } as never);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("[Sunshine] Your request to see a reporter's identity was decided");
    expect(mails[0]!.text).toContain(`/staff/reports/${report.id}/identity`);
    expect(mails[0]!.subject + mails[0]!.text).not.toContain(report.caseNo);
  });

  it('keeps the site default for a unit\'s address', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const report = await newReport();
    mails.length = 0;
    await notifyNewReport(t.app.deps, unit, report);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe(unit.email);
    expect(mails[0]!.subject).toContain('【阳光救助监督平台】新的举报待受理');
  });
});
