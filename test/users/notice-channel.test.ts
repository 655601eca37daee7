// A staff user's choice of how notices reach them (issue 24): an optional mobile number and e-mail /
// SMS / both, on their own page; checked at the boundary (form back with the message and the input),
// CSRF-protected, audited without the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { findUser, noticeChannelsOf } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let staff: TestStaff;
let session: Session;
beforeAll(async () => {
  t = await makeApp();
  staff = await createStaff(t.app, 'ca:220102', ['handler']);
  session = await signIn(t.app, staff);
});
afterAll(() => t.close());

const PAGE = '/staff/notice-channel';

describe('staff notice channel', () => {
  it('starts with e-mail and offers the three choices', async () => {
    const page = await session.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="mobile"');
    expect(page.body).toMatch(/value="email" checked/);
    expect(page.body).toContain('value="both"');
    expect(noticeChannelsOf((await findUser(t.app.db, staff.user.id))!)).toEqual({ email: true, sms: null });
  });

  it('brings the form back for SMS without a number, or a number that is not a mainland mobile, keeping the input', async () => {
    const none = await session.post(PAGE, { mobile: '', channel: 'sms' }, PAGE);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('选了短信，请填写手机号码');
    const bad = await session.post(PAGE, { mobile: '0431-8888123', channel: 'both' }, PAGE);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('手机号码不对');
    expect(bad.body).toContain('value="0431-8888123"');
    expect((await findUser(t.app.db, staff.user.id))!.noticeChannel).toBe('email');
  });

  it('saves a number and SMS only, audited without the number; refuses a post without its CSRF token', async () => {
    const forged = await t.app.inject({ method: 'POST', url: PAGE, cookies: session.jar, payload: { mobile: '13912345678', channel: 'sms' } });
    expect(forged.statusCode).toBe(403);
    const saved = await session.post(PAGE, { mobile: '139 1234 5678', channel: 'sms' }, PAGE);
    expect(saved.statusCode).toBe(303);
    const user = (await findUser(t.app.db, staff.user.id))!;
    expect(noticeChannelsOf(user)).toEqual({ email: false, sms: '13912345678' });
    const audit = await entriesFor(t.app.db, 'user', String(staff.user.id));
    const entry = audit.find((e) => e.action === 'user.notice_channel');
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).not.toContain('13912345678');
    expect((await session.get(`${PAGE}?done=1`)).body).toContain('已保存');
    expect(noticeChannelsOf({ mobile: null, noticeChannel: 'sms' })).toEqual({ email: true, sms: null });
    expect(noticeChannelsOf({ mobile: '13912345678', noticeChannel: 'both' })).toEqual({ email: true, sms: '13912345678' });
  });

  it('says which notices follow the choice and which stay by e-mail', async () => {
    const page = await session.get(PAGE);
    expect(page.body).toContain('举报分派给您');
    expect(page.body).toContain('办理期限快到或已超期的提醒');
    expect(page.body).toContain('仍只发邮件');
    expect(page.body).not.toContain('待办、期限提醒等工作通知'); // the old, too-broad promise
    expect(page.body).not.toContain('管理员职责'); // the administrators' note is for them only
  });

  it('opens for an administrator, whose notices all go by e-mail, and saves the choice', async () => {
    const admin = await createStaff(t.app, 'ca:220102', ['system_admin']);
    const adminSession = await signIn(t.app, admin);
    const page = await adminSession.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="mobile"');
    expect(page.body).toContain('您的账号是管理员职责');
    expect(page.body).not.toContain('管理员账号不能查看或办理举报');
    const saved = await adminSession.post(PAGE, { mobile: '13912345678', channel: 'both' }, PAGE);
    expect(saved.statusCode).toBe(303);
    expect(noticeChannelsOf((await findUser(t.app.db, admin.user.id))!)).toEqual({ email: true, sms: '13912345678' });
  });
});
