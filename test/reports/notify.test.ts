import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { reportFields } from './fixtures.js';

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

describe('new-report e-mail', () => {
  it('tells the handling unit that a report waits, with a link and without its content or the reporter', async () => {
    const form = await openForm(t.app, '/report');
    const fields = reportFields({ identity_mode: 'real_name', reporter_name: '孙建国', reporter_phone: '13904317777', description: '村会计让我们办低保先交五百块钱手续费，不交就不给报。' });
    const body = await multipart({ ...fields, submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
    await smtp.waitFor(1);
    expect(smtp.inbox).toHaveLength(1);
    const mail = smtp.inbox[0]!;
    expect(mail.to).toEqual(['ca-220102@units.sunshine.invalid']);
    expect(mail.text).toContain('/staff/reports/');
    expect(mail.text).toContain('新的举报待受理');
    for (const secret of ['孙建国', '13904317777', '五百块钱', '王德福']) expect(mail.text).not.toContain(secret);
  });
});
