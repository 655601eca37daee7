// A reply typed before the tracking page's idle time-out is not lost (issue 20 item 4): the post
// lands on the code page, which says why the reporter was signed out; after the same report's code
// the text is back in its box, unsent; after another report's code (a shared phone) it is gone.
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, openForm } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());
afterEach(() => {
  vi.useRealTimers();
});

const REPLY = '评议会是9月15号开的，村主任的弟弟当天就在场，很多人都看见了。';
let ip = 0;

async function filed() {
  return await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
}

async function enter(jar: Record<string, string>, code: string) {
  const form = await openForm(t.app, '/track', jar);
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: { ...jar, ...form.cookies }, remoteAddress: `10.22.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  return cookiesFrom(res, { ...jar, ...form.cookies });
}

describe('a reply typed before the idle time-out', () => {
  it('is kept, explained, and given back only after the same report’s code', async () => {
    const mine = await filed();
    const other = await filed();
    let jar = await enter({}, mine.queryCode);
    const page = await t.app.inject({ url: '/track/report', cookies: jar });
    const csrf = html.unescape(/name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
    // Sixteen minutes later the reporter presses 发送.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    const sent = await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf, body: REPLY } });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/track');
    const entry = await t.app.inject({ url: '/track', cookies: jar });
    expect(entry.body).toContain('超过15分钟没有操作就会自动退出');
    expect(entry.body).toContain('您刚才写的内容已经保存好了');
    expect(entry.body).not.toContain(REPLY);

    // Another report's code on the same phone: the text is not shown.
    const stranger = await enter(jar, other.queryCode);
    expect((await t.app.inject({ url: '/track/report', cookies: stranger })).body).not.toContain(REPLY);

    // Kept again, then the right code: back in the message box, not sent.
    jar = await enter({}, mine.queryCode);
    const page2 = await t.app.inject({ url: '/track/report', cookies: jar });
    const csrf2 = html.unescape(/name="_csrf" value="([^"]+)"/.exec(page2.body)![1]!);
    vi.setSystemTime(Date.now() + 16 * 60_000);
    await t.app.inject({ method: 'POST', url: '/track/message', cookies: jar, payload: { _csrf: csrf2, body: REPLY } });
    jar = await enter(jar, mine.queryCode);
    const back = await t.app.inject({ url: '/track/report', cookies: jar });
    expect(back.body).toContain('您退出前写的内容已经放回去了');
    expect(back.body).toMatch(new RegExp(`<textarea id="message-body"[^>]*>${REPLY}</textarea>`));
    expect(back.body).not.toContain(`<div class="event-body">${REPLY}</div>`);
    // Shown once: a reload shows an empty box.
    expect((await t.app.inject({ url: '/track/report', cookies: jar })).body).not.toContain(REPLY);
    // Kept sealed: the session row holds no clear text.
    const rows = await t.app.db.all(sql`select * from sessions`);
    expect(JSON.stringify(rows)).not.toContain('评议会是9月15号');
  });
});
