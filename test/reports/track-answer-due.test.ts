// The tracking page's "最晚这一天前办完并书面答复您" is the running handling deadline (art. 34: the days a report
// spends with another body do not count, an approved extension adds to it), not acceptance + 60
// days; it says so while the report is away, and it goes once the written answer is given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

async function trackPage(code: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.7.7.7', payload: { _csrf: form.csrf, code } });
  return (await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) })).body;
}

describe('the answer date on the tracking page', () => {
  it('shows the running deadline, notes a pause, and goes once answered', async () => {
    const filed = await fileReport(
      t.app.deps,
      { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    const id = filed.report.id;
    const acceptedAt = Date.UTC(2026, 11, 1, 2);
    await insertEvent(t.app.db, { reportId: id, at: acceptedAt, type: 'accepted', actorType: 'staff', actorId: 1, visibleToReporter: true, body: null });
    // 20 days away with the discipline commission moved the deadline from 2027-01-30 to 2027-02-19.
    await updateReport(t.app.db, id, { status: 'investigating', acceptedAt, handlingDue: '2027-02-19' });
    let page = await trackPage(filed.queryCode);
    expect(page).toContain('2027-02-19');
    expect(page).toContain('最晚这一天前办完并书面答复您');
    expect(page).not.toContain('2027-01-30');
    expect(page).not.toContain('转回后这个日期会相应顺延');
    await updateReport(t.app.db, id, { status: 'referred' });
    page = await trackPage(filed.queryCode);
    expect(page).toContain('转回后这个日期会相应顺延');
    await updateReport(t.app.db, id, { status: 'concluded' });
    await insertEvent(t.app.db, { reportId: id, at: Date.UTC(2027, 0, 10, 2), type: 'answer', actorType: 'staff', actorId: 1, visibleToReporter: true, body: '经核查，情况属实，已责令退还。' });
    page = await trackPage(filed.queryCode);
    expect(page).not.toContain('最晚这一天前办完并书面答复您');
  });
});
