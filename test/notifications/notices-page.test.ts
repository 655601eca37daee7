// The in-app list of reminders (issue 19 item 8): what the portal told a user — a deadline reminder,
// an escalation, a reporter's reply — is shown at /staff/notices, newest first, with its case, and
// can be marked read; nobody sees another user's notices. A user without an e-mail address (allowed
// since issue 19 item 15) gets the reminder here and no failed mail.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noticeCount, recordNotice } from '../../src/notifications/index.js';
import { fileReport, runDeadlineSweep } from '../../src/reports/index.js';
import { updateUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let intake: TestStaff, other: TestStaff;
let intakeSession: Session, otherSession: Session;

beforeAll(async () => {
  t = await makeApp();
  intake = await createStaff(t.app, 'ca:220102', ['intake']);
  other = await createStaff(t.app, 'ca:220102', ['handler']);
  intakeSession = await signIn(t.app, intake);
  otherSession = await signIn(t.app, other);
});
afterAll(() => t.close());

describe('/staff/notices', () => {
  it('shows a deadline reminder to a user without an e-mail address, with its case, and marks it read', async () => {
    await updateUser(t.app.db, intake.user.id, { email: '' });
    const received = Date.now() - 13 * 86_400_000;
    const { report } = await fileReport(
      t.app.deps,
      { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '邻居家有两辆小汽车还吃着低保，村里没人管。', happenedAt: null, identity: null },
      [],
      { channel: 'online', nonce: null, now: received },
    );
    const send = vi.spyOn(t.app.deps.mailer, 'send');
    // Due in two days: the intake officer is reminded — here, not by mail (no address), and the
    // reminder counts as given (not retried for ever).
    expect((await runDeadlineSweep(t.app.deps)).reminded).toBe(1);
    expect(send.mock.calls.filter(([m]) => m.to === '')).toHaveLength(1);
    send.mockRestore();
    expect((await runDeadlineSweep(t.app.deps)).reminded).toBe(0);

    const page = await intakeSession.get('/staff/notices');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('有 1 条未读');
    expect(page.body).toContain('举报办理期限即将到期');
    expect(page.body).toContain(`<a href="/staff/reports/${report.id}">${report.caseNo}</a>`);
    expect(page.headers['cache-control']).toContain('no-store');

    // Another user's list does not show it, and cannot mark it read.
    expect((await otherSession.get('/staff/notices')).body).not.toContain(report.caseNo);
    const newest = /name="up_to" value="(\d+)"/.exec(page.body)![1]!;
    await otherSession.post('/staff/notices/read', { up_to: newest }, '/staff/notices');
    expect(await noticeCount(t.app.db, intake.user.id, { unreadOnly: true })).toBe(1);

    const read = await intakeSession.post('/staff/notices/read', { up_to: newest }, '/staff/notices');
    expect(read.statusCode).toBe(303);
    const after = await intakeSession.get(read.headers.location as string);
    expect(after.body).toContain('已标为已读');
    expect(after.body).toContain('没有未读的提醒');
    expect(await noticeCount(t.app.db, intake.user.id, { unreadOnly: true })).toBe(0);
  });

  it('pages older notices and names a kind without its own label neutrally', async () => {
    const now = Date.now();
    for (let i = 0; i < 55; i++) await recordNotice(t.app.db, { userId: other.user.id, reportId: null, kind: i === 54 ? 'something_new' : 'hastened', createdAt: now + i });
    const first = await otherSession.get('/staff/notices');
    expect(first.body).toContain('平台提醒');
    const older = /href="\/staff\/notices\?before=(\d+)"/.exec(first.body);
    expect(older).not.toBeNull();
    const second = await otherSession.get(`/staff/notices?before=${older![1]}`);
    expect((second.body.match(/<li/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect((await otherSession.get('/staff/notices?before=abc')).statusCode).toBe(200);
  });
});
