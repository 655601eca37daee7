import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findReport, type Identity } from '../../../src/reports/index.js';
import { unsealJson } from '../../../src/shared/crypto.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { multipart, openForm } from '../../helpers/forms.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { reportFields } from '../fixtures.js';

let t: TestApp;
let intake: Session;
beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

describe('logging a phone call', () => {
  it('files the report with the channel and shows the query code to read out', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect(form.html).toContain('name="source"');
    const body = await multipart({ ...reportFields({ channel: 'phone' }), submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/\d{4} \d{4} \d{4} \d{4}/);
    expect(res.body).toContain('请把查询码读给来电人');
    const row = (await t.app.db.get<{ channel: string }>(sql`select channel from reports order by id desc limit 1`))!;
    expect(row.channel).toBe('phone');
    const audit = (await t.app.db.get<{ actor_type: string }>(sql`select actor_type from audit_log where action = 'report.file' order by id desc limit 1`))!;
    expect(audit.actor_type).toBe('staff');
  });

  it('shows the code once: posting the same form again files nothing and shows no code (issue 16)', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    const body = await multipart({ ...reportFields({ channel: 'visit' }), submission_id: form.hidden.submission_id! });
    const post = () => t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    const count = async () => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;
    const first = await post();
    const code = /(\d{4} \d{4} \d{4} \d{4})/.exec(first.body)?.[1];
    expect(code).toBeDefined();
    const filed = await count();
    // Nothing kept from which the code could be shown again.
    expect((await t.app.db.get<{ r: unknown }>(sql`select receipt_for_retry as r from reports order by id desc limit 1`))!.r).toBeNull();
    const again = await post();
    expect(again.statusCode).toBe(200);
    expect(await count()).toBe(filed);
    expect(again.body).not.toContain(code!);
    expect(again.body).not.toMatch(/\d{4} \d{4} \d{4} \d{4}/);
    expect(again.body).toContain('查询码只在登记时显示一次');
    expect(again.headers['cache-control']).toContain('no-store');
  });

  it('asks the language of the caller’s texts (a Korean-speaking caller gets them in Korean), Chinese unless chosen', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect(form.html).toMatch(/<select id="reporter_sms_locale" name="reporter_sms_locale"[^>]*>.*<option value="ko"[^>]*>조선어<\/option>/s);
    // The public form asks no such thing: the reporter's own page language is used there.
    expect((await openForm(t.app, '/report')).html).not.toContain('name="reporter_sms_locale"');
    const smsLocaleOf = async (over: Record<string, string>) => {
      const page = await openForm(t.app, '/staff/reports/new', intake.jar);
      const body = await multipart({ ...reportFields({ channel: 'phone', identity_mode: 'real_name', reporter_name: '金顺姬', reporter_phone: '13904315555', reporter_sms: 'on', ...over }), submission_id: page.hidden.submission_id! });
      const res = await t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(page.csrf)}`, cookies: page.cookies, headers: body.headers, payload: body.payload });
      expect(res.statusCode).toBe(200);
      const id = (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!.id;
      const report = (await findReport(t.app.db, id))!;
      return unsealJson<Identity>(t.app.deps.keys.identity, report.identitySealed!, `report:${id}`).smsLocale;
    };
    expect(await smsLocaleOf({ reporter_sms_locale: 'ko' })).toBe('ko');
    // The clerk's own page language is not the caller's: without a choice, Chinese.
    intake.jar.lang = 'en';
    try {
      expect(await smsLocaleOf({})).toBe('zh-CN');
    } finally {
      delete intake.jar.lang;
    }
  });

  it('refuses an unknown channel with the form kept, and is closed to the public', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    const body = await multipart({ ...reportFields({ channel: 'online' }), submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择收到方式');
    expect(res.body).toContain('两台拖拉机');
    const anonymous = await t.app.inject('/staff/reports/new');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/staff/login');
  });
});
