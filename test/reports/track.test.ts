import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileReport, findReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ trackAttemptsPerWindow: 5 });
});
afterAll(() => t.close());

async function newReport(over: Partial<Parameters<typeof fileReport>[1]> = {}) {
  return await fileReport(
    t.app.deps,
    {
      category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
      subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null, ...over,
    },
    [],
    { channel: 'online', nonce: null },
  );
}

async function signIn(code: string, ip = '10.9.9.9') {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: ip, payload: { _csrf: form.csrf, code } });
  return { res, jar: cookiesFrom(res, form.cookies), csrf: form.csrf };
}

describe('tracking a report', () => {
  it('opens the report for a valid code, with a new session id, and shows its status', async () => {
    const filed = await newReport();
    const form = await openForm(t.app, '/track');
    const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.1.1.1', payload: { _csrf: form.csrf, code: filed.queryCode } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/track/report');
    const jar = cookiesFrom(res, form.cookies);
    expect(jar.sid).toBeDefined();
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(filed.report.caseNo);
    expect(page.body).toContain('已收到，等待受理');
    expect(page.body).toContain('南关区民政局');
  });

  it('gives one neutral message for a wrong code, and a plain one for a code that cannot be one (track-code-shape.test.ts)', async () => {
    const wrong = await signIn('0000 0000 0000 0001', '10.2.2.2');
    expect(wrong.res.statusCode).toBe(400);
    expect(wrong.res.body).toContain('没有找到对应的举报');
    const malformed = await signIn('12ab', '10.2.2.3');
    expect(malformed.res.statusCode).toBe(400);
    expect(malformed.res.body).toContain('查询码只有数字');
  });

  it('slows guessing per client address with a doubling wait, in memory — a villager waits seconds, not the window (issue 20 item 8)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const ip = '10.3.3.3';
      // Five free wrong codes, then the sixth sets a wait of 1 s.
      for (let i = 0; i < 6; i++) expect((await signIn(`11112222333344${String(i).padStart(2, '0')}`, ip)).res.statusCode).toBe(400);
      const filed = await newReport();
      const blocked = await signIn(filed.queryCode, ip);
      expect(blocked.res.statusCode).toBe(429);
      expect(blocked.res.headers['retry-after']).toBe('1');
      // Another address is not affected.
      expect((await signIn(filed.queryCode, '10.3.3.4')).res.statusCode).toBe(303);
      // After the wait the right code works; a guesser's waits double: 2 s, 4 s, 8 s …
      vi.setSystemTime(Date.now() + 1100);
      expect((await signIn(filed.queryCode, ip)).res.statusCode).toBe(303);
      expect((await signIn('1111222233334499', ip)).res.statusCode).toBe(400);
      vi.setSystemTime(Date.now() + 1100);
      const second = await signIn(filed.queryCode, ip);
      expect(second.res.statusCode).toBe(429);
      expect(second.res.headers['retry-after']).toBe('1');
      vi.setSystemTime(Date.now() + 1000);
      expect((await signIn(filed.queryCode, ip)).res.statusCode).toBe(303);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets the reporter reply, give their identity and withdraw; staff messages show, internal notes do not', async () => {
    const filed = await newReport();
    await insertEvent(t.app.db, { reportId: filed.report.id, at: Date.now(), type: 'staff_message', actorType: 'staff', actorId: 1, visibleToReporter: true, body: '请问具体是哪一年评上的？' });
    await insertEvent(t.app.db, { reportId: filed.report.id, at: Date.now(), type: 'internal_note', actorType: 'staff', actorId: 1, visibleToReporter: false, body: '内部备注：疑似与12号线索重复' });
    const { jar } = await signIn(filed.queryCode, '10.4.4.4');
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(page.body).toContain('请问具体是哪一年评上的？');
    expect(page.body).not.toContain('内部备注');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const reply = await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf, body: '2025年秋天评上的<script>alert(1)</script>' } });
    expect(reply.statusCode).toBe(303);
    const after = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(after.body).toContain('2025年秋天评上的&lt;script&gt;');
    expect(after.body).not.toContain('<script>alert(1)</script>');

    const badIdentity = await t.app.inject({ method: 'POST', url: '/track/identity', cookies: jar, payload: { _csrf: csrf, reporter_name: '李', reporter_phone: 'abc' } });
    expect(badIdentity.statusCode).toBe(400);
    expect(badIdentity.body).toContain('请填写1开头的11位手机号，或带区号的固定电话');
    const identity = await t.app.inject({ method: 'POST', url: '/track/identity', cookies: jar, payload: { _csrf: csrf, reporter_name: '李秀兰', reporter_phone: '13904310000' } });
    expect(identity.statusCode).toBe(303);
    const stored = (await findReport(t.app.db, filed.report.id))!;
    expect(stored.realName).toBe(true);
    expect(stored.identitySealed!.toString('latin1')).not.toContain('13904310000');

    const noConfirm = await t.app.inject({ method: 'POST', url: '/track/withdraw', cookies: jar, payload: { _csrf: csrf } });
    expect(noConfirm.statusCode).toBe(400);
    const withdrawn = await t.app.inject({ method: 'POST', url: '/track/withdraw', cookies: jar, payload: { _csrf: csrf, confirm: 'yes' } });
    expect(withdrawn.statusCode).toBe(303);
    expect((await findReport(t.app.db, filed.report.id))!.status).toBe('withdrawn');
  });

  it('starts the review window when the answer is first opened, and allows review and rating', async () => {
    const filed = await newReport();
    await updateReport(t.app.db, filed.report.id, { status: 'closed' });
    await insertEvent(t.app.db, { reportId: filed.report.id, at: Date.now(), type: 'answer', actorType: 'staff', actorId: 1, visibleToReporter: true, body: '经核查，反映的问题部分属实。' });
    expect((await findReport(t.app.db, filed.report.id))!.answerFirstOpenedAt).toBeNull();
    const { jar } = await signIn(filed.queryCode, '10.5.5.5');
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(page.body).toContain('经核查，反映的问题部分属实。');
    expect((await findReport(t.app.db, filed.report.id))!.answerFirstOpenedAt).not.toBeNull();
    expect(page.body).toContain('action="/track/review"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const beforeRating = Date.now();
    const rated = await t.app.inject({ method: 'POST', url: '/track/rating', cookies: jar, payload: { _csrf: csrf, rating: 'dissatisfied' } });
    expect(rated.statusCode).toBe(303);
    // The time of the rating is kept: the statistics count it in the period it was given.
    const ratedAt = (await findReport(t.app.db, filed.report.id))!.ratedAt;
    expect(ratedAt).toBeGreaterThanOrEqual(beforeRating);
    expect(ratedAt).toBeLessThanOrEqual(Date.now());
    const review = await t.app.inject({ method: 'POST', url: '/track/review', cookies: jar, payload: { _csrf: csrf, reason: '核查没有入户，结论不对。' } });
    expect(review.statusCode).toBe(303);
    const after = (await findReport(t.app.db, filed.report.id))!;
    expect(after.status).toBe('under_review');
    expect(after.rating).toBe('dissatisfied');
  });

  it('ends the session on sign-out and refuses a form without a CSRF token', async () => {
    const filed = await newReport();
    const { jar } = await signIn(filed.queryCode, '10.6.6.6');
    const noToken = await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { body: 'hello there' } });
    expect(noToken.statusCode).toBe(403);
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const out = await t.app.inject({ method: 'POST', url: '/track/signout', cookies: jar, payload: { _csrf: csrf } });
    expect(out.statusCode).toBe(303);
    const again = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/track');
  });
});
