// 合并办理 seen by the merged reporter (issue 19 item 7): their tracking page follows the master's
// public progress and receives its written answer, with the review window counted from the day their
// own page first showed it — and never shows the master's reporter's words, identity, files or the
// messages exchanged with them. A review is not taken online for a merged report: the page says where
// to ask instead (the unit above, in writing or in person) and gives the hotline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { fileReport, findReport, updateReport } from '../../src/reports/index.js';
import { reportEvents } from '../../src/reports/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { approveBySecondLeadRoute } from '../helpers/four-eyes.js';
import { jpegWith } from '../evidence/media/builders.js';

let t: TestApp;
let lead: Session;
let leadStaff: TestStaff;
let ip = 0;
const DAY = 86_400_000;

const MASTER_WORDS = '村主任刘长海把他小舅子一家评成低保户，他家新盖了砖房还有一辆货车。';
const MASTER_MESSAGE = '补充一句：货车车牌是吉A12345，平时停在村部后院。';
const STAFF_TO_MASTER = '李秀兰大娘，您说的情况我们下周入户核实，请保持电话畅通。';
const DUP_WORDS = '我们屯里都知道刘长海给亲戚办了低保，人家条件比我们好得多。';
const ANSWER = '经核查，刘长海小舅子家庭收入超过当地低保标准，已停发其低保金并追回违规资金，对刘长海予以诫勉谈话。';

async function filed(description: string, identity: { name: string; phone: string; email: string; address: string } | null = null) {
  return fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘长海', subjectPosition: 'village_cadre', subjectIsHead: false, description, happenedAt: null, identity } as never,
    [],
    { channel: 'online', nonce: null },
  );
}

async function track(code: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.31.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  const jar = cookiesFrom(res, form.cookies);
  const get = async () => (await t.app.inject({ url: '/track/report', cookies: jar })).body;
  const csrf = async () => html.unescape(/name="_csrf" value="([^"]+)"/.exec(await get())![1]!);
  const post = async (url: string, payload: Record<string, string>) => t.app.inject({ method: 'POST', url, cookies: jar, payload: { _csrf: await csrf(), ...payload } });
  return { jar, get, csrf, post };
}

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
});
afterAll(() => t.close());

/** A master with a real-name reporter who wrote, sent a photo and was written to; and a duplicate merged into it. */
async function mergedPair() {
  const master = await filed(MASTER_WORDS, { name: '李秀兰', phone: '13904310000', email: '', address: '南关区幸福乡红旗村三组' });
  const dup = await filed(DUP_WORDS);
  const masterPage = `/staff/reports/${master.report.id}`;
  expect((await lead.post(`${masterPage}/accept`, {}, masterPage)).statusCode).toBe(303);
  const dupPage = `/staff/reports/${dup.report.id}`;
  expect((await lead.post(`${dupPage}/merge`, { into: master.report.caseNo }, dupPage)).statusCode).toBe(303);

  const masterReporter = await track(master.queryCode);
  expect((await masterReporter.post('/track/message', { body: MASTER_MESSAGE })).statusCode).toBe(303);
  const photo = await multipart({}, [{ name: 'evidence', filename: '刘长海家货车.jpg', content: jpegWith(), type: 'image/jpeg' }]);
  const upload = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(await masterReporter.csrf())}`, cookies: masterReporter.jar, headers: { ...photo.headers, accept: 'application/json' }, payload: photo.payload });
  expect(upload.statusCode).toBe(200);
  expect((await lead.post(`${masterPage}/message`, { body: STAFF_TO_MASTER }, masterPage)).statusCode).toBe(303);
  return { master, dup, masterPage, masterReporter };
}

async function conclude(masterPage: string, id: number) {
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  await lead.post(`${masterPage}/assign`, { unit_id: String(unit.id), assignee_id: String(leadStaff.user.id), due: (await findReport(t.app.db, id))!.handlingDue! }, masterPage);
  await lead.post(`${masterPage}/start`, {}, masterPage);
  await lead.post(`${masterPage}/conclude`, { finding: 'substantiated', answer: ANSWER }, masterPage);
  await approveBySecondLeadRoute(t.app, masterPage);
  expect((await lead.post(`${masterPage}/close`, {}, masterPage)).statusCode).toBe(303);
}

describe('a merged reporter follows the master', () => {
  it("sees the master's status, legal date and public steps, but nothing of the master's reporter", async () => {
    const { master, dup } = await mergedPair();
    const page = await (await track(dup.queryCode)).get();
    const merged = /<section id="merged"[\s\S]*?<\/section>/.exec(page)?.[0];
    expect(merged, 'a section on the master').toBeDefined();
    expect(merged).toContain(master.report.caseNo);
    expect(merged).toContain('status-accepted');
    // The master's legal handling date (第三十四条), in the master's section.
    expect(merged).toContain((await findReport(t.app.db, master.report.id))!.handlingDue!);
    expect(merged).toContain('event-accepted');
    // Their own report and words stay theirs.
    expect(page).toContain(dup.report.caseNo);
    expect(/<section id="timeline">[\s\S]*?<\/section>/.exec(page)?.[0]).toContain('event-merged');
    for (const secret of [MASTER_WORDS, MASTER_MESSAGE, STAFF_TO_MASTER, '李秀兰', '13904310000', '刘长海家货车', '红旗村三组']) expect(page, secret).not.toContain(secret);
    expect(merged).not.toContain('event-reporter_message');
    expect(merged).not.toContain('event-reporter_files');
    expect(merged).not.toContain('event-staff_message');
  });

  it("receives the master's answer, its review window counted from its own first view, and is told where to ask for a review", async () => {
    const { master, dup, masterPage } = await mergedPair();
    await conclude(masterPage, master.report.id);
    expect((await findReport(t.app.db, dup.report.id))!.answerFirstOpenedAt).toBeNull();

    const s = await track(dup.queryCode);
    const page = await s.get();
    expect(/<section class="answer" id="answer">[\s\S]*?<\/section>/.exec(page)?.[0]).toContain(ANSWER);
    expect(/<section id="merged"[\s\S]*?<\/section>/.exec(page)?.[0]).toContain('status-closed');
    // The day this reporter's page first showed the answer is recorded on their report, not the master's.
    expect((await findReport(t.app.db, dup.report.id))!.answerFirstOpenedAt).toBeGreaterThan(0);
    expect((await findReport(t.app.db, master.report.id))!.answerFirstOpenedAt).toBeNull();
    for (const secret of [MASTER_WORDS, MASTER_MESSAGE, STAFF_TO_MASTER, '李秀兰']) expect(page, secret).not.toContain(secret);

    // The review: no form; the unit above, the last day and the hotline instead.
    expect(page).not.toContain('action="/track/review"');
    const review = /<section id="review-merged">[\s\S]*?<\/section>/.exec(page)?.[0];
    expect(review, 'where to ask for a review').toBeDefined();
    expect(review).toContain('长春市民政局');
    expect(review).toContain('第三十五条');
    expect(review).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(review).toMatch(/tel:|12345/);
    const refused = await s.post('/track/review', { reason: '处理太轻了，刘长海应当撤职。' });
    expect(refused.statusCode).toBe(409);
    expect((await findReport(t.app.db, master.report.id))!.status).toBe('closed');
    expect((await findReport(t.app.db, dup.report.id))!.status).toBe('merged');
  });

  it("counts each reporter's window from their own first view: the master's reporter's opening does not start the merged reporter's", async () => {
    const { master, dup, masterPage, masterReporter } = await mergedPair();
    await conclude(masterPage, master.report.id);
    // The master's reporter read the answer ten days ago …
    await masterReporter.get();
    for (const e of await t.app.db.select().from(reportEvents).where(eq(reportEvents.reportId, master.report.id)).all()) {
      await t.app.db.update(reportEvents).set({ at: e.at - 10 * DAY }).where(eq(reportEvents.id, e.id)).run();
    }
    await updateReport(t.app.db, master.report.id, { answerFirstOpenedAt: Date.now() - 10 * DAY });
    const masterDue = /<section id="review">[\s\S]*?(\d{4}-\d{2}-\d{2})/.exec(await masterReporter.get())?.[1];
    expect(masterDue).toBeDefined();
    expect((await findReport(t.app.db, dup.report.id))!.answerFirstOpenedAt).toBeNull();
    // … the merged reporter reads it today: their last day is ten days later than the master's reporter's.
    const dupDue = /<section id="review-merged">[\s\S]*?(\d{4}-\d{2}-\d{2})/.exec(await (await track(dup.queryCode)).get())?.[1];
    expect(dupDue).toBeDefined();
    expect(dupDue! > masterDue!).toBe(true);
    expect((await findReport(t.app.db, master.report.id))!.answerFirstOpenedAt).toBeLessThan(Date.now() - 9 * DAY);
  });
});
