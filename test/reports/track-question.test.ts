// A question from staff ("工作人员留言 您好，请问…") sat only in the 办理过程 timeline, under a
// status line that said 正在核查: a villager reading the top of the page never saw it. Now, while
// staff's latest message to her is newer than her latest message, the top of the page says staff
// asked her something, shows it, and links to the reply box; her answer takes the notice away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm, trackWithCode } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

let ip = 0;
const QUESTION = '您好，请问您说的两台拖拉机是哪一年买的？\n能不能拍张照片传上来？';

async function filed() {
  return await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
}

async function open(code: string, lang?: string) {
  const { res, jar } = await trackWithCode(t.app, code, `10.62.0.${++ip}`, lang);
  expect(res.statusCode).toBe(303);
  const get = async () => (await t.app.inject({ url: '/track/report', cookies: jar })).body;
  return { jar, get };
}

const ask = (reportId: number, body = QUESTION, type = 'staff_message') =>
  insertEvent(t.app.db, { reportId, at: Date.now(), type, actorType: 'staff', actorId: 1, visibleToReporter: type === 'staff_message', body });
const notice = (page: string) => /<section class="notice warn" role="note" id="staff-question">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? null;

describe('a question from staff, at the top of the tracking page', () => {
  it('is shown above the status with the question and a link to the reply box, until she answers', async () => {
    const { report, queryCode } = await filed();
    await updateReport(t.app.db, report.id, { status: 'investigating' });
    const s = await open(queryCode);
    expect(notice(await s.get())).toBeNull();

    await ask(report.id);
    const page = await s.get();
    const shown = notice(page)!;
    expect(shown).toContain('工作人员向您提了问题，请在下面“回复或补充说明”里回答。');
    expect(shown).toContain('您好，请问您说的两台拖拉机是哪一年买的？<br>能不能拍张照片传上来？');
    expect(shown).toContain('<a href="#message">去回答</a>');
    expect(page).toContain('<section id="message">');
    expect(page.indexOf('id="staff-question"')).toBeLessThan(page.indexOf('class="status-panel"'));

    // Her answer takes it away; a new question brings it back.
    const csrf = (await openForm(t.app, '/track/report', s.jar)).csrf;
    expect((await t.app.inject({ method: 'POST', url: '/track/message', cookies: s.jar, payload: { _csrf: csrf, body: '是前年买的，照片我明天拍。' } })).statusCode).toBe(303);
    expect(notice(await s.get())).toBeNull();
    // An internal note is not a question to her.
    await ask(report.id, '内部备注：再问一次', 'internal_note');
    const afterNote = await s.get();
    expect(notice(afterNote)).toBeNull();
    expect(afterNote).not.toContain('再问一次');
    await ask(report.id, '照片收到了吗？还没看到。');
    expect(notice(await s.get())).toContain('照片收到了吗？还没看到。');
  });

  it('speaks Korean and English', async () => {
    const { report, queryCode } = await filed();
    await ask(report.id);
    const ko = notice(await (await open(queryCode, 'ko')).get())!;
    expect(ko).toContain('사업일군이 물어본것이 있습니다. 아래 “회답 또는 보충 설명”에 대답을 쓰십시오.');
    expect(ko).toContain('<a href="#message">대답하러 가기</a>');
    const en = notice(await (await open(queryCode, 'en')).get())!;
    expect(en).toContain('Staff have asked you a question. Please answer it under “Reply or add details” below.');
    expect(en).toContain('<a href="#message">Answer now</a>');
  });

  it('is not shown where she can no longer reply', async () => {
    const { report, queryCode } = await filed();
    await ask(report.id);
    await updateReport(t.app.db, report.id, { status: 'withdrawn' });
    const page = await (await open(queryCode)).get();
    expect(notice(page)).toBeNull();
    expect(page).not.toContain('<section id="message">');
  });
});
