// After each action on the tracking page the reporter is told, at the top and in words, what
// happened (POST-redirect-GET, server-rendered, no script needed): issue 20, item 3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, multipart, openForm } from '../helpers/forms.js';
import { exifSegment, jpegWith, pdfFile } from '../evidence/media/builders.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

let ip = 0;
async function newReport() {
  return await fileReport(
    t.app.deps,
    {
      category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
      subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null,
    },
    [],
    { channel: 'online', nonce: null },
  );
}

/** Files a report (answered when asked), signs in with its code and returns the session. */
async function session(opts: { answered?: boolean; lang?: string } = {}) {
  const filed = await newReport();
  if (opts.answered) {
    await updateReport(t.app.db, filed.report.id, { status: 'closed' });
    await insertEvent(t.app.db, { reportId: filed.report.id, at: Date.now(), type: 'answer', actorType: 'staff', actorId: 1, visibleToReporter: true, body: '经核查，反映的问题部分属实。' });
  }
  const start: Record<string, string> = opts.lang ? { lang: opts.lang } : {};
  const form = await openForm(t.app, '/track', start);
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.20.0.${++ip}`, payload: { _csrf: form.csrf, code: filed.queryCode } });
  expect(res.statusCode).toBe(303);
  const jar = cookiesFrom(res, form.cookies);
  const page = await t.app.inject({ url: '/track/report', cookies: jar });
  const csrf = html.unescape(/name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
  return { jar, csrf, page };
}

/** The page the browser lands on after the redirect, and the notice at its top. */
async function landing(jar: Record<string, string>, res: { statusCode: number; headers: Record<string, unknown> }) {
  expect(res.statusCode).toBe(303);
  const location = String(res.headers.location);
  expect(location).toMatch(/^\/track\/report\?done=[a-z]+#done$/);
  const page = await t.app.inject({ url: location.replace(/#.*$/, ''), cookies: jar });
  expect(page.statusCode).toBe(200);
  const notice = /<div class="notice ok" role="status" id="done"[^>]*>([\s\S]*?)<\/div>/.exec(page.body);
  // At the top: before the status panel and the timeline.
  if (notice) expect(page.body.indexOf(notice[0])).toBeLessThan(page.body.indexOf('class="status-panel"'));
  return { body: page.body, notice: notice ? html.unescape(notice[1]!) : null };
}

describe('notices after an action on the tracking page', () => {
  it('says the message was sent, and the plain page says nothing', async () => {
    const { jar, csrf, page } = await session();
    expect(page.body).not.toContain('role="status" id="done"');
    const res = await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf, body: '2025年秋天评上的，村里人都知道。' } });
    const { notice } = await landing(jar, res);
    expect(notice).toContain('您的留言已经发给办理人员');
  });

  it('names each file added and whether its hidden information was removed, without JavaScript', async () => {
    const { jar, csrf } = await session();
    const body = await multipart({}, [
      { name: 'evidence', filename: '现场照片.jpg', content: jpegWith(exifSegment()), type: 'image/jpeg' },
      { name: 'evidence', filename: '公示名单<b>.pdf', content: pdfFile(), type: 'application/pdf' },
    ]);
    const res = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(csrf)}`, cookies: jar, headers: body.headers, payload: body.payload });
    const { notice } = await landing(jar, res);
    expect(notice).toContain('收到了您补充的2个文件');
    expect(notice).toMatch(/现场照片\.jpg[^<]*已删除位置和设备信息/);
    expect(notice).toMatch(/公示名单&lt;b&gt;\.pdf[^<]*无法自动删除/);
  });

  it('names the rating chosen', async () => {
    const { jar, csrf } = await session({ answered: true });
    const res = await t.app.inject({ method: 'POST', url: '/track/rating', cookies: jar, payload: { _csrf: csrf, rating: 'basically_satisfied' } });
    const { notice } = await landing(jar, res);
    expect(notice).toContain('收到了您的评价：“基本满意”');
  });

  it('confirms the real name and the review request', async () => {
    const { jar, csrf } = await session({ answered: true });
    const identity = await t.app.inject({ method: 'POST', url: '/track/identity', cookies: jar, payload: { _csrf: csrf, reporter_name: '李秀兰', reporter_phone: '13904310000' } });
    expect((await landing(jar, identity)).notice).toContain('收到了您的实名信息');
    const review = await t.app.inject({ method: 'POST', url: '/track/review', cookies: jar, payload: { _csrf: csrf, reason: '核查没有入户，结论不对。' } });
    const { notice, body } = await landing(jar, review);
    expect(notice).toContain('您的复查申请已经提交');
    // The phone number is never shown back.
    expect(body).not.toContain('13904310000');
  });

  it('speaks Korean and English too', async () => {
    const ko = await session({ lang: 'ko', answered: true });
    const rated = await t.app.inject({ method: 'POST', url: '/track/rating', cookies: ko.jar, payload: { _csrf: ko.csrf, rating: 'satisfied' } });
    const koNotice = (await landing(ko.jar, rated)).notice!;
    expect(koNotice).toMatch(/[\uac00-\ud7a3]/);
    expect(koNotice).not.toMatch(/[\u4e00-\u9fff]/);
    const en = await session({ lang: 'en' });
    const sent = await t.app.inject({ method: 'POST', url: '/track/message', cookies: en.jar, payload: { _csrf: en.csrf, body: 'It was in autumn 2025.' } });
    expect((await landing(en.jar, sent)).notice).toContain('Your message has been sent');
  });

  it('shows nothing for an unknown or unfulfilled done value', async () => {
    const { jar } = await session();
    for (const done of ['bogus', 'files', 'rating', '<script>']) {
      const page = await t.app.inject({ url: `/track/report?done=${encodeURIComponent(done)}`, cookies: jar });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('id="done"');
    }
  });
});
