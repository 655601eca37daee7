// The real-name reporter's phone (实名举报): staff must be able to call her back. A mobile one digit
// short or over was taken (6 to 20 digits of anything), and a number typed with full-width digits
// (many Chinese keyboards) was refused with a message that did not say what was wrong. Now the
// number is folded to ASCII and stored so, a mainland mobile must have exactly 11 digits, a landline
// its area code, and the message says what a right number looks like — on the form, on the tracking
// page's "give my name later", and for staff logging a call (the same validateReport).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fileReport, findReport, type Identity, type Report } from '../../src/reports/index.js';
import { isCallbackPhone, validateIdentity } from '../../src/reports/validate.js';
import { isMainlandMobile, normaliseMobile } from '../../src/sms/index.js';
import { unsealJson } from '../../src/shared/crypto.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { reportFields } from './fixtures.js';

const MESSAGE = {
  'zh-CN': '请填写1开头的11位手机号，或带区号的固定电话，如 0431-88886666。',
  ko: '1로 시작하는 11자리 휴대전화 번호를 쓰시거나, 고정전화는 지역번호와 함께 쓰십시오. 례: 0431-88886666.',
  en: 'Write an 11-digit mobile number starting with 1, or a landline with its area code, e.g. 0431-88886666.',
};

describe('validateIdentity: a phone staff can call back', () => {
  const base = { reporter_name: '李秀兰' };
  it.each([
    ['a mobile one digit short', '1381234567'],
    ['a mobile one digit over', '138123456789'],
    ['a mobile short after +86', '+86 138 1234 567'],
    ['a mobile short after 0086', '0086 1381234567'],
    ['a mobile short after a stray +', '+1381234567'],
    ['a local number without its area code', '88886666'],
    ['a landline one digit short', '0431-888866'],
    ['words', 'call me'],
  ])('refuses %s', (_label, phone) => {
    const out = validateIdentity({ ...base, reporter_phone: phone });
    expect(out.identity).toBeNull();
    expect(out.errors).toEqual({ reporter_phone: 'report.errors.reporter_phone' });
  });

  it.each([
    ['a mobile', '13812345678', '13812345678'],
    ['a mobile in full-width digits', '１３８１２３４５６７８', '13812345678'],
    ['a mobile with full-width spaces and dashes', '１３８　１２３４－５６７８', '138 1234-5678'],
    ['a mobile after +86', '+86 138 1234 5678', '+86 138 1234 5678'],
    ['a mobile after 0086', '0086-13812345678', '0086-13812345678'],
    ['a landline with a hyphen', '0431-88886666', '0431-88886666'],
    ['a landline without', '043188886666', '043188886666'],
    ['a 7-digit landline in Yanbian', '0433-2512345', '0433-2512345'],
    ['a Beijing landline', '010-88886666', '010-88886666'],
    ['a landline with its area code in brackets, full-width', '（０４３１）８８８８６６６６', '(0431)88886666'],
    ['a landline written the Chinese IME way', '0431—88886666', '0431-88886666'],
    ['a Korean mobile, family abroad', '+82 10-1234-5678', '+82 10-1234-5678'],
  ])('takes %s, stored in ASCII', (_label, phone, stored) => {
    const out = validateIdentity({ ...base, reporter_phone: phone });
    expect(out.errors).toEqual({});
    expect(out.identity!.phone).toBe(stored);
  });

  it('sends texts to a mobile it takes, whatever prefix or digits it was typed with', () => {
    for (const phone of ['１３８１２３４５６７８', '+86 138 1234 5678', '0086 138-1234-5678', '86 13812345678', '(138) 1234 5678']) {
      const out = validateIdentity({ ...base, reporter_phone: phone, reporter_sms: 'on' });
      expect(out.errors, phone).toEqual({});
      expect(out.identity!.mobile, phone).toBe('13812345678');
    }
    // The SMS channel's own normaliser agrees with the form (staff numbers and the exchange use it too).
    expect(normaliseMobile('００８６ １３８１２３４５６７８')).toBe('13812345678');
    expect(isMainlandMobile(normaliseMobile('0086-138-1234-5678'))).toBe(true);
    // Every mainland mobile the SMS channel takes is a phone the form takes.
    for (const mobile of ['13812345678', '+8613812345678', '8613812345678', '0086 13812345678']) expect(isCallbackPhone(mobile), mobile).toBe(true);
  });
});

describe('the phone on the pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(() => t.close());

  const newest = async () => (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))?.id ?? 0;
  const identityOf = (report: Report) => unsealJson<Identity>(t.app.keys.identity, report.identitySealed!, `report:${report.id}`);
  let ip = 0;

  async function file(fields: Record<string, string>, lang?: string) {
    const jar: Record<string, string> = lang ? { lang } : {};
    const form = await openForm(t.app, '/report', jar);
    const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', ...fields }) });
    return t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: `203.0.113.${++ip}` });
  }

  it('refuses a mobile one digit short on the report form, saying what a right number looks like, in each language', async () => {
    const before = await newest();
    for (const [lang, message] of Object.entries(MESSAGE)) {
      const res = await file({ reporter_phone: '1381234567' }, lang);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`<p class="field-error" id="reporter_phone-error">${message}</p>`);
      expect(res.body).toContain('value="1381234567"');
    }
    expect(await newest()).toBe(before);
  });

  it('files a number typed in full-width digits, stored in ASCII, with texts to it', async () => {
    const res = await file({ reporter_phone: '１３８１２３４５６７８', reporter_sms: 'on' });
    expect(res.statusCode).toBe(200);
    expect(identityOf((await findReport(t.app.db, await newest()))!)).toMatchObject({ phone: '13812345678', mobile: '13812345678' });
  });

  it('checks the number given later on the tracking page the same way', async () => {
    const { queryCode, report } = await fileReport(
      t.app.deps,
      { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
      [],
      { channel: 'online', nonce: null },
    );
    const entry = await openForm(t.app, '/track');
    const signedIn = await t.app.inject({ method: 'POST', url: '/track', cookies: entry.cookies, remoteAddress: '10.77.0.1', payload: { _csrf: entry.csrf, code: queryCode } });
    const page = await openForm(t.app, '/track/report', cookiesFrom(signedIn, entry.cookies));
    const give = (reporter_phone: string) => t.app.inject({ method: 'POST', url: '/track/identity', cookies: page.cookies, payload: { _csrf: page.csrf, reporter_name: '李秀兰', reporter_phone } });
    const over = await give('138123456789');
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain(`<p class="field-error" id="id-phone-error">${MESSAGE['zh-CN']}</p>`);
    expect((await findReport(t.app.db, report.id))!.realName).toBe(false);
    expect((await give('０４３１－８８８８６６６６')).statusCode).toBe(303);
    expect(identityOf((await findReport(t.app.db, report.id))!).phone).toBe('0431-88886666');
  });

  it('checks the caller’s number a clerk logs the same way', async () => {
    const clerk = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
    const log = async (reporter_phone: string) => {
      const form = await openForm(t.app, '/staff/reports/new', clerk.jar);
      const body = await multipart({ ...reportFields({ identity_mode: 'real_name', reporter_name: '孙建国', reporter_phone, source: 'call' }), submission_id: form.hidden.submission_id! });
      return t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    };
    const short = await log('1390431777');
    expect(short.statusCode).toBe(400);
    expect(short.body.match(/class="field-error" id="[^"]+">[^<]*/g)).toEqual([`class="field-error" id="reporter_phone-error">${MESSAGE['zh-CN']}`]);
    expect((await log('１３９０４３１７７７７')).statusCode).toBe(200);
    expect(identityOf((await findReport(t.app.db, await newest()))!).phone).toBe('13904317777');
  });
});
