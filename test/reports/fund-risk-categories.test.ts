// Fund-risk categories (issue 18 item 10; seed 二(二) 证折发放、补助金代领): 冒领 (collecting in
// another's name, also after a death) and 证折发放 (bank books and social-security cards held by
// cadres) are categories of their own, filed through the public form and shown with their labels
// in zh-CN, ko and en; the formalism hint names fake, paper-only rectification (seed 三(三)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findByQueryCode } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { reportFields } from './fixtures.js';

let t: TestApp;
let intake: Session;
beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

const LABELS = {
  'zh-CN': { impersonation: '冒领（冒名领取）', bankbook_custody: '扣押、代管存折或社保卡' },
  ko: { impersonation: '사칭 수령(남의 이름으로 수령)', bankbook_custody: '저금통장·사회보장카드 압류, 대리 보관' },
  en: { impersonation: 'Collecting in someone else’s name', bankbook_custody: 'Bank books or cards held back' },
} as const;
const HINTS = {
  'zh-CN': { impersonation: '人去世了还有人在领', bankbook_custody: '拿着您的存折、社保卡', work_style: '说整改了，其实只改在纸上' },
  ko: { impersonation: '사람이 사망한 뒤에도', bankbook_custody: '저금통장, 사회보장카드', work_style: '서류에서만 고치고' },
  en: { impersonation: 'even after that person has died', bankbook_custody: 'keeps your bank book, social security card', work_style: '“fixed” only on paper' },
} as const;
const LOCALES = ['zh-CN', 'ko', 'en'] as const;

let ip = 0;
async function file(category: string): Promise<string> {
  ip += 1;
  const form = await openForm(t.app, '/report');
  const body = await multipart({ ...reportFields({ category, description: '村会计把我们低保户的存折、社保卡都收走了，说是统一保管。' }), submission_id: form.hidden.submission_id! });
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: `203.0.113.${ip}` });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(res.body)![1]!;
}

describe('fund-risk categories', () => {
  it('are offered on the public form with a label and a short hint in every locale, and the formalism hint names paper-only rectification', async () => {
    for (const locale of LOCALES) {
      const html = (await t.app.inject({ url: '/report', cookies: { lang: locale } })).body;
      for (const category of ['impersonation', 'bankbook_custody'] as const) {
        expect(html, `${locale} ${category}`).toContain(`value="${category}"`);
        expect(html, `${locale} ${category}`).toContain(LABELS[locale][category]);
        expect(html, `${locale} ${category}`).toContain(HINTS[locale][category]);
      }
      expect(html, locale).toContain(HINTS[locale].work_style);
    }
    // 冒领 is no longer part of another choice's label: one problem, one choice.
    const zh = (await t.app.inject({ url: '/report' })).body;
    expect(zh.match(/冒领/g)).toHaveLength(1);
  });

  it('are filed through the public form and shown with their labels to the reporter in zh-CN, ko and en, and to staff', async () => {
    for (const category of ['impersonation', 'bankbook_custody'] as const) {
      const code = await file(category);
      const report = (await findByQueryCode(t.app.deps, code.replace(/ /g, '')))!;
      expect(report.category).toBe(category);

      ip += 1;
      const form = await openForm(t.app, '/track');
      const signedIn = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.18.10.${ip}`, payload: { _csrf: form.csrf, code } });
      expect(signedIn.statusCode).toBe(303);
      const jar = cookiesFrom(signedIn, form.cookies);
      for (const locale of LOCALES) {
        const page = await t.app.inject({ url: '/track/report', cookies: { ...jar, lang: locale } });
        expect(page.statusCode).toBe(200);
        expect(page.body, `${locale} ${category}`).toContain(LABELS[locale][category]);
      }

      // Staff: the inbox filters by it and the report page names it.
      const inbox = await intake.get(`/staff/reports?category=${category}`);
      expect(inbox.body).toContain(report.caseNo);
      expect(inbox.body).toContain(`<option value="${category}" selected>${LABELS['zh-CN'][category]}</option>`);
      expect((await intake.get(`/staff/reports/${report.id}`)).body).toContain(LABELS['zh-CN'][category]);
    }
  });
});
