// The written notices as documents (issue 18): content per kind for a real-name and an anonymous
// report, the Word file, the print page, and who may open which (staff scope, discipline bodies,
// the reporter behind the tracking session).
import fs from 'node:fs';
import Handlebars from 'handlebars';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { fileReport, findReport, insertEvent, staffDocumentLinks, updateReport } from '../../../src/reports/index.js';
import { staffContext } from '../../../src/plugins/auth.js';
import { translate } from '../../../src/i18n/translate.js';
import { findUnit } from '../../../src/units/index.js';
import { findUser } from '../../../src/users/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { cookiesFrom, openForm } from '../../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let lead: Session, otherCounty: Session, inspector: Session, otherInspector: Session;
let leadStaff: TestStaff, cityStaff: TestStaff, provinceStaff: TestStaff, inspectorStaff: TestStaff;
const NAME = '李秀兰';
const PHONE = '13900001234';

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead'], { displayName: '赵承办' });
  lead = await signIn(t.app, leadStaff);
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler', 'lead', 'supervisor']));
  inspectorStaff = await createStaff(t.app, 'dic:220102', ['inspector']);
  inspector = await signIn(t.app, inspectorStaff);
  otherInspector = await signIn(t.app, await createStaff(t.app, 'dic:220103', ['inspector']));
  cityStaff = await createStaff(t.app, 'ca:220100', ['supervisor', 'lead'], { displayName: '钱复查' });
  provinceStaff = await createStaff(t.app, 'ca:220000', ['supervisor', 'lead'], { displayName: '孙复核' });
});
afterAll(() => t.close());

let ip = 0;
async function file(realName: boolean) {
  const filed = await fileReport(
    t.app.deps,
    {
      category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
      subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null,
      identity: realName ? { name: NAME, phone: PHONE, email: 'li@example.invalid', address: '南关区幸福乡光明村3组' } : null,
    } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return { id: filed.report.id, page: `/staff/reports/${filed.report.id}`, code: filed.queryCode };
}

/** The reporter's tracking session for this query code. */
async function reporter(code: string, lang?: string) {
  const form = await openForm(t.app, '/track', lang ? { lang } : {});
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.30.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  const jar = cookiesFrom(res, form.cookies);
  return { get: (url: string) => t.app.inject({ url, cookies: jar }) };
}

const docNumber = (body: string) => /<p class="document-number">([^<]+)<\/p>/.exec(body)?.[1];

async function accepted(realName: boolean) {
  const r = await file(realName);
  expect((await lead.post(`${r.page}/accept`, {}, r.page)).statusCode).toBe(303);
  return r;
}

/** A closed report with an answer, a review answer (city) and a re-review answer (province), as the timeline records them. */
async function answeredAndReviewed(realName: boolean) {
  const r = await accepted(realName);
  const at = Date.now();
  await updateReport(t.app.db, r.id, { status: 'closed', finding: 'partly', reviewLevel: 2 });
  const answer = '经入户核查，您反映的问题部分属实，已责成村委会退还收取的费用。';
  await insertEvent(t.app.db, { reportId: r.id, at, type: 'answer', actorType: 'staff', actorId: leadStaff.user.id, visibleToReporter: true, body: answer, data: JSON.stringify({ finding: 'partly' }) });
  await insertEvent(t.app.db, { reportId: r.id, at: at + 1, type: 'review_requested', actorType: 'reporter', actorId: null, visibleToReporter: true, body: '费用只退了一半。' });
  await insertEvent(t.app.db, { reportId: r.id, at: at + 2, type: 'review_answer', actorType: 'staff', actorId: cityStaff.user.id, visibleToReporter: true, body: '经复查，县民政局认定事实清楚，维持原处理意见。', data: JSON.stringify({ outcome: 'upheld', level: 1 }) });
  await insertEvent(t.app.db, { reportId: r.id, at: at + 3, type: 'review_requested', actorType: 'reporter', actorId: null, visibleToReporter: true, body: '请省厅复核。' });
  await insertEvent(t.app.db, { reportId: r.id, at: at + 4, type: 'review_answer', actorType: 'staff', actorId: provinceStaff.user.id, visibleToReporter: true, body: '经复核，复查意见认定事实清楚，处理恰当，予以维持。', data: JSON.stringify({ outcome: 'upheld', level: 2 }) });
  return { ...r, answer };
}

describe('受理告知书 (信访工作条例第二十三条)', () => {
  it('is numbered once, addressed to a real-name reporter by name in their own copy only, and audited without the name', async () => {
    const r = await accepted(true);
    const staffPrint = await lead.get(`${r.page}/documents/acceptance`);
    expect(staffPrint.statusCode).toBe(200);
    expect(staffPrint.body).toContain('受理告知书');
    expect(staffPrint.body).toContain('第二十三条');
    expect(staffPrint.body).toContain('60日内办结');
    const number = docNumber(staffPrint.body)!;
    expect(number).toMatch(/^南关民信受〔\d{4}〕\d+号$/);
    // The staff copy does not open the sealed identity (DESIGN.md §4: only through the custodian).
    expect(staffPrint.body).toContain('信访人：');
    expect(staffPrint.body).not.toContain(NAME);
    expect(docNumber((await lead.get(`${r.page}/documents/acceptance`)).body)).toBe(number);

    const me = await reporter(r.code);
    const track = await me.get('/track/report');
    expect(track.body).toContain('书面告知');
    expect(track.body).toContain('href="/track/documents/acceptance"');
    const mine = await me.get('/track/documents/acceptance');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(`${NAME}：`);
    expect(docNumber(mine.body)).toBe(number);
    expect(mine.body).not.toContain(PHONE);
    expect(mine.body).not.toContain('赵承办');

    const audit = await entriesFor(t.app.db, 'report', String(r.id));
    const use = audit.filter((e) => e.action === 'identity.document_use');
    expect(use).toHaveLength(1);
    expect(use[0]!.actorType).toBe('system');
    expect(JSON.stringify(audit)).not.toContain(NAME);
    expect(audit.filter((e) => e.action === 'report.document_view').length).toBe(3);
  });

  it('is not offered to an anonymous reporter (no name, no address), while staff print it to 信访人', async () => {
    const r = await accepted(false);
    const me = await reporter(r.code);
    expect((await me.get('/track/report')).body).not.toContain('/track/documents/acceptance');
    const refused = await me.get('/track/documents/acceptance');
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('这份文书不在查询页面提供');
    const print = await lead.get(`${r.page}/documents/acceptance`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('信访人：');
  });
});

describe('the art. 23 notice when the office does not accept the matter', () => {
  it('tells the reporter to bring it to the competent organ, in the words of the 2022 text', async () => {
    const r = await file(true);
    expect((await lead.post(`${r.page}/reject`, { reason: '您反映的是宅基地纠纷，不属于民政部门职责。' }, r.page)).statusCode).toBe(303);
    const print = await lead.get(`${r.page}/documents/redirect`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('信访事项告知书');
    expect(print.body).toContain('对不属于本机关、单位或者本系统职权范围的，应当告知信访人向有权处理的机关、单位提出');
    expect(print.body).toContain('宅基地纠纷');
    expect(print.body).not.toContain('不予受理');
    expect(docNumber(print.body)).toMatch(/^南关民信告〔\d{4}〕\d+号$/);
    const mine = await (await reporter(r.code)).get('/track/documents/redirect');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(`${NAME}：`);
    // An accepted report has no such notice: a clear page, not a crash.
    const other = await accepted(false);
    const none = await lead.get(`${other.page}/documents/redirect`);
    expect(none.statusCode).toBe(409);
    expect(none.body).toContain('这份文书还没有形成');
  });
});

describe('延期告知书 (第三十四条)', () => {
  it('states the days and the reason, and the reporter’s copy carries no internal note', async () => {
    const r = await accepted(false);
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const due = (await findReport(t.app.db, r.id))!.handlingDue!;
    expect((await lead.post(`${r.page}/assign`, { unit_id: String(unit.id), assignee_id: String(leadStaff.user.id), due }, r.page)).statusCode).toBe(303);
    expect((await lead.post(`${r.page}/start`, {}, r.page)).statusCode).toBe(303);
    expect((await lead.post(`${r.page}/message`, { body: '内部：先别告诉举报人村会计是书记的侄子。', internal: '1' }, r.page)).statusCode).toBe(303);
    expect((await lead.post(`${r.page}/extension`, { days: '20', reason: '需要调取三年的发放台账' }, r.page)).statusCode).toBe(303);
    expect((await lead.post(`${r.page}/extension_decision`, { decision: 'approve' }, r.page)).statusCode).toBe(303);
    const print = await lead.get(`${r.page}/documents/extension`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('延期告知书');
    expect(print.body).toContain('第三十四条');
    expect(print.body).toContain('延长20日');
    expect(print.body).toContain('需要调取三年的发放台账');
    const me = await reporter(r.code);
    expect((await me.get('/track/report')).body).toContain('href="/track/documents/extension"');
    const mine = await me.get('/track/documents/extension');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('延长20日');
    expect(mine.body).not.toContain('书记的侄子');
    expect(mine.body).not.toContain('赵承办');
  });
});

describe('处理意见书, 复查意见书, 复核意见书 (第三十二条, 第三十五条, 第三十六条)', () => {
  it('writes each answer; the re-review says the matter is final; the old answer route shows the latest', async () => {
    const r = await answeredAndReviewed(true);
    const answer = await lead.get(`${r.page}/documents/answer`);
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('处理意见书');
    expect(answer.body).toContain(r.answer);
    expect(answer.body).toContain('部分属实');
    expect(answer.body).toContain('长春市民政局请求复查');
    expect(docNumber(answer.body)).toMatch(/^南关民信处〔\d{4}〕\d+号$/);

    const review = await lead.get(`${r.page}/documents/review`);
    expect(review.body).toContain('复查意见书');
    expect(review.body).toContain('维持原处理意见');
    expect(review.body).toContain('吉林省民政厅请求复核');
    expect(docNumber(review.body)).toMatch(/^长春民信复〔\d{4}〕\d+号$/);
    expect(review.body).toContain('长春市民政局<br>');

    const final = await lead.get(`${r.page}/documents/rereview`);
    expect(final.body).toContain('复核意见书');
    expect(final.body).toContain('第三十六条第三款');
    expect(final.body).toContain('仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理');
    expect(final.body).toContain('最终意见');
    expect(docNumber(final.body)).toMatch(/^吉民信核〔\d{4}〕\d+号$/);

    const old = await lead.get(`${r.page}/answer`);
    expect(old.statusCode).toBe(200);
    expect(docNumber(old.body)).toBe(docNumber(final.body));

    const me = await reporter(r.code);
    const track = (await me.get('/track/report')).body;
    for (const kind of ['acceptance', 'answer', 'review', 'rereview']) expect(track).toContain(`href="/track/documents/${kind}"`);
    const mine = await me.get('/track/documents/rereview');
    expect(mine.body).toContain('不再受理');
    expect(mine.body).not.toContain('孙复核');
    expect(mine.body).not.toContain('钱复查');
  });

  it('addresses the anonymous reporter as 信访人', async () => {
    const r = await answeredAndReviewed(false);
    const me = await reporter(r.code);
    const mine = await me.get('/track/documents/answer');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('信访人：');
    expect((await me.get('/track/report')).body).not.toContain('/track/documents/acceptance');
  });
});

describe('移送函', () => {
  it('goes to the body by name with the case number, the opinion and the evidence list, and never the reporter', async () => {
    const r = await accepted(true);
    const opinion = '经初步核实，村会计收取手续费问题基本属实，移送处理。';
    expect((await lead.post(`${r.page}/refer`, { opinion }, r.page)).statusCode).toBe(303);
    const letter = await lead.get(`${r.page}/documents/referral`);
    expect(letter.statusCode).toBe(200);
    const report = (await findReport(t.app.db, r.id))!;
    expect(letter.body).toContain('问题线索移送函');
    expect(letter.body).toContain('南关区纪委监委：');
    expect(letter.body).toContain(report.caseNo);
    expect(letter.body).toContain(opinion);
    expect(letter.body).toContain('证据材料清单');
    expect(docNumber(letter.body)).toMatch(/^南关民移〔\d{4}〕\d+号$/);
    for (const secret of [NAME, PHONE, '光明村3组', 'li@example.invalid']) expect(letter.body).not.toContain(secret);

    // The body it is addressed to sees it; another county's body does not; the reporter never.
    const theirs = await inspector.get(`${r.page}/documents/referral`);
    expect(theirs.statusCode).toBe(200);
    expect(docNumber(theirs.body)).toBe(docNumber(letter.body));
    expect((await inspector.get(`${r.page}/documents/acceptance`)).statusCode).toBe(404);
    expect((await otherInspector.get(`${r.page}/documents/referral`)).statusCode).toBe(404);
    expect((await (await reporter(r.code)).get('/track/documents/referral')).statusCode).toBe(404);
  });
});

describe('scope and errors', () => {
  it('hides another county’s documents, refuses unknown kinds and says in the user’s language what is missing', async () => {
    const r = await accepted(false);
    expect((await otherCounty.get(`${r.page}/documents/acceptance`)).statusCode).toBe(404);
    expect((await otherCounty.get(`${r.page}/documents/acceptance.docx`)).statusCode).toBe(404);
    expect((await lead.get(`${r.page}/documents/nonsense`)).statusCode).toBe(404);
    expect((await lead.get(`/staff/reports/abc/documents/acceptance`)).statusCode).toBe(404);
    const me = await reporter(r.code, 'en');
    const missing = await me.get('/track/documents/extension');
    expect(missing.statusCode).toBe(409);
    expect(missing.body).toContain('does not exist yet');
    // No tracking session: back to the code entry.
    expect((await t.app.inject({ url: '/track/documents/answer' })).statusCode).toBe(303);
  });
});

describe('the Word file and the print page', () => {
  it('is a .docx whose document.xml holds the number, 仿宋 and 28 pt exact line spacing, with "— 1 —" page numbers', async () => {
    const r = await accepted(true);
    const res = await lead.get(`${r.page}/documents/acceptance.docx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml.document');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const xml = await zip.file('word/document.xml')!.async('string');
    const number = docNumber((await lead.get(`${r.page}/documents/acceptance`)).body)!;
    expect(xml).toContain(number);
    expect(xml).toContain('w:eastAsia="FangSong"');
    expect(xml).toMatch(/<w:spacing w:line="560" w:lineRule="exact"\/>/);
    expect(xml).toContain('w:sz w:val="32"');
    expect(xml).toContain('受理告知书');
    expect(xml).toMatch(/<w:pgMar w:top="2098"/);
    const footers = await Promise.all(Object.keys(zip.files).filter((f) => /^word\/footer\d*\.xml$/.test(f)).map((f) => zip.file(f)!.async('string')));
    expect(footers.join('')).toMatch(/— <\/w:t>[\s\S]*PAGE[\s\S]*<w:t xml:space="preserve"> —/);
    // The reporter's Word file too, by name.
    const mine = await (await reporter(r.code)).get('/track/documents/acceptance.docx');
    expect(await (await JSZip.loadAsync(mine.rawPayload)).file('word/document.xml')!.async('string')).toContain(NAME);
  });

  it('prints on A4 in the print layout with the GB/T 9704 style sheet, the signature date as GB/T 9704-2012 writes it (Arabic numerals, no leading zero) and the signature unit', async () => {
    const r = await accepted(false);
    const page = await lead.get(`${r.page}/documents/acceptance`);
    expect(page.body).toContain('<body class="print-document">');
    expect(page.body).toContain('<link rel="stylesheet" href="/documents/official-document.css">');
    expect(page.body).toContain('<article class="official-document" lang="zh-CN">');
    expect(page.body).toMatch(/<h1>受理告知书<\/h1>/);
    expect(page.body).toMatch(/<p class="signature">南关区民政局<br>20\d{2}年[1-9]\d?月[1-9]\d?日<\/p>/);
    expect(page.body).toContain(`href="${r.page}/documents/acceptance.docx"`);
    expect(page.body).not.toMatch(/style="/);
    const css = await t.app.inject({ url: '/documents/official-document.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('font-size: 16pt; line-height: 28pt');
    expect(css.body).toContain('margin: 37mm 26mm 35mm 28mm');
  });
});

describe('the staff links (partial reports/documents/staff-links)', () => {
  it('lists what the report has and this user may print, marking those meant for the reporter', async () => {
    const r = await accepted(true);
    expect((await lead.post(`${r.page}/refer`, { opinion: '经初步核实，村会计收取手续费问题基本属实，移送处理。' }, r.page)).statusCode).toBe(303);
    const report = (await findReport(t.app.db, r.id))!;
    const as = async (s: TestStaff) => {
      const user = (await findUser(t.app.db, s.user.id))!;
      return staffContext(user, (await findUnit(t.app.db, user.unitId))!);
    };
    const mine = await staffDocumentLinks(t.app.deps, await as(leadStaff), report);
    expect(mine.documents.map((d) => [d.kind, d.forReporter])).toEqual([['acceptance', true], ['referral', false]]);
    expect(mine.documents[0]!.href).toBe(`${r.page}/documents/acceptance`);
    expect((await staffDocumentLinks(t.app.deps, await as(inspectorStaff), report)).documents.map((d) => d.kind)).toEqual(['referral']);

    const hbs = Handlebars.create();
    hbs.registerHelper('t', (key: string) => translate('zh-CN', key));
    hbs.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
    const html = hbs.compile(fs.readFileSync('views/reports/documents/partials/staff-links.hbs', 'utf8'))(mine);
    expect(html).toContain(`<a href="${r.page}/documents/referral.docx">`);
    expect(html).toContain('<strong>问题线索移送函</strong>');
    expect(html).toContain('举报人在查询页面也能看到');
    expect(hbs.compile(fs.readFileSync('views/reports/documents/partials/staff-links.hbs', 'utf8'))({ documents: [] }).trim()).toBe('');
  });
});
