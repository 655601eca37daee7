// What the villager reads on the tracking page after the case moves (issue 20 items 9 and 10):
// the written answer once (not again in the timeline), files sent one by one as one step with their
// number, the rating chosen shown and changeable while a review may still be asked, and a legal date
// that passed without an answer said in words, with where to turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, multipart, openForm } from '../helpers/forms.js';
import { jpegWith, pdfFile } from '../evidence/media/builders.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
let ip = 0;

async function filed(receivedAt = Date.now()) {
  return await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null, now: receivedAt },
  );
}

async function open(code: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.21.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  const jar = cookiesFrom(res, form.cookies);
  const get = async () => (await t.app.inject({ url: '/track/report', cookies: jar })).body;
  const csrf = async () => html.unescape(/name="_csrf" value="([^"]+)"/.exec(await get())![1]!);
  return { jar, get, csrf };
}

describe('the tracking page after the case moves', () => {
  it('says when the date to be told of acceptance has passed, and where to turn', async () => {
    const { queryCode } = await filed(Date.now() - 20 * DAY);
    const page = await (await open(queryCode)).get();
    expect(page).toContain('已经超过了应当告诉您是否受理的日期');
    expect(page).toContain('长春市民政局');
    expect(page).toContain('12345');
    // In time: no such note.
    const fresh = await filed();
    expect(await (await open(fresh.queryCode)).get()).not.toContain('id="overdue"');
  });

  it('counts files sent one after another as one step, with their number', async () => {
    const { queryCode } = await filed();
    const s = await open(queryCode);
    for (const file of [{ name: 'evidence', filename: '照片.jpg', content: jpegWith(), type: 'image/jpeg' }, { name: 'evidence', filename: '名单.pdf', content: pdfFile(), type: 'application/pdf' }]) {
      const body = await multipart({}, [file]);
      const res = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(await s.csrf())}`, cookies: s.jar, headers: { ...body.headers, accept: 'application/json' }, payload: body.payload });
      expect(res.statusCode).toBe(200);
    }
    const timeline = /<section id="timeline">([\s\S]*?)<\/section>/.exec(await s.get())![1]!;
    expect((timeline.match(/class="event-reporter_files/g) ?? []).length).toBe(1);
    expect(timeline).toContain('（2个文件）');
  });

  it('shows the answer once, and lets the rating be changed while a review may be asked', async () => {
    const { report, queryCode } = await filed();
    const answer = '经核查，村会计收取手续费问题属实，已责令退还并给予处分。';
    await updateReport(t.app.db, report.id, { status: 'closed' });
    await insertEvent(t.app.db, { reportId: report.id, at: Date.now(), type: 'answer', actorType: 'staff', actorId: 1, visibleToReporter: true, body: answer });
    const s = await open(queryCode);
    const page = await s.get();
    expect(page.split(answer).length - 1).toBe(1);
    expect(page).toContain('答复全文见上方');

    const rate = async (rating: string) => t.app.inject({ method: 'POST', url: '/track/rating', cookies: s.jar, payload: { _csrf: await s.csrf(), rating } });
    expect((await rate('satisfied')).statusCode).toBe(303);
    const rated = await s.get();
    expect(rated).toContain('您的评价：满意');
    expect(rated).toMatch(/value="satisfied" checked/);
    expect(rated).toContain('修改评价');
    expect((await rate('dissatisfied')).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.rating).toBe('dissatisfied');
    const timeline = /<section id="timeline">([\s\S]*?)<\/section>/.exec(await s.get())![1]!;
    expect(timeline).toContain('— 满意');
    expect(timeline).toContain('— 不满意');
  });
});

describe('the written notices on the tracking page (issue 23)', () => {
  /** The documents section's Word-file and signed-copy links, by kind. */
  const links = (page: string) => {
    const section = /<section id="documents">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
    return {
      docx: [...section.matchAll(/href="\/track\/documents\/([a-z_]+)\.docx"/g)].map((m) => m[1]),
      signed: [...section.matchAll(/href="\/track\/documents\/([a-z_]+)\/signed\.zip"/g)].map((m) => m[1]),
    };
  };

  it('links the signed copy beside each notice\'s Word file, only for the notices the reporter may have', async () => {
    const { report, queryCode } = await filed();
    // Not yet answered (and anonymous: no acceptance notice): no notice, no signed copy.
    const s = await open(queryCode);
    expect(links(await s.get())).toEqual({ docx: [], signed: [] });
    await updateReport(t.app.db, report.id, { status: 'closed' });
    await insertEvent(t.app.db, { reportId: report.id, at: Date.now(), type: 'answer', actorType: 'staff', actorId: 1, visibleToReporter: true, body: '经核查，反映问题属实，已责令退还。' });
    const page = await s.get();
    expect(links(page)).toEqual({ docx: ['answer'], signed: ['answer'] });
    expect(page).toContain('下载签名件（ZIP：Word 文件和国密签名清单，收件人可核验真伪）');
    // The link leads to the copy in the reporter's own session.
    const zip = await t.app.inject({ url: '/track/documents/answer/signed.zip', cookies: s.jar });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('words a villager reads (issue 20 item 7)', () => {
  it('error pages say what happened without an English code; dates say plainly what is owed', async () => {
    const missing = await t.app.inject({ url: '/no-such-page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('错误代码');
    expect(missing.body).not.toContain('NOT_FOUND');
    const { queryCode } = await filed();
    const page = await (await open(queryCode)).get();
    expect(page).toContain('最晚这一天前告诉您受不受理');
    expect(page).not.toContain('依法告知受理期限');
  });
});
