// Township casework (issue 19 item 3): after 开始核查 the responsible person writes to the reporter
// and keeps internal notes, and she and the county's handlers add investigation material (核查笔录,
// 入户照片, 谈话记录) through the citizen evidence pipeline — sniffed by content, cleaned of metadata,
// encrypted. The material names third parties: the reporter never sees it, another county finds no
// such report, the referral packet leaves it out until a handler marks a file 可移送, and every list
// and download is audited by file id. It is erased with the reporter's files under the schedule.
import crypto from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { decryptFromStore, evidenceOf, readAll } from '../../../src/evidence/index.js';
import { eventsOf, fileReport, findReport, updateReport } from '../../../src/reports/index.js';
import { referralService } from '../../../src/reports/referrals/index.js';
import { runRetentionSweep } from '../../../src/retention/index.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { cookiesFrom, multipart, openForm, type FileField } from '../../helpers/forms.js';
import { CAMERA_MAKE, GPS_RATIONALS, exifSegment, jpegWith, pdfFile } from '../../evidence/media/builders.js';

const DAY = 86_400_000;
let t: TestApp;
let township: Unit;
let intake: Session, countyHandler: Session, countyLead: Session, custodian: Session, citySupervisor: Session, otherCounty: Session, assignee: Session, colleague: Session, inspector: Session;
let assigneeStaff: TestStaff, leadStaff: TestStaff;
let ip = 0;

const NOTE = '核查笔录（村主任王某）';
const PHOTO = '入户照片 李家';

/** A report about a village director's relative, accepted, assigned to the township's 郑春生 and started by her. */
async function investigatedReport() {
  const { report, queryCode } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  expect((await intake.post(`${page}/assign`, { unit_id: String(township.id), assignee_id: String(assigneeStaff.user.id), due: addDays(todayInChina(), 10) }, page)).statusCode).toBe(303);
  expect((await assignee.post(`${page}/start`, {}, page)).statusCode).toBe(303);
  return { id: report.id, page, queryCode };
}

/** Posts the upload form as a browser does: the CSRF token in the action's query string, files last. */
async function upload(session: Session, page: string, description: string, files: FileField[]) {
  const form = await openForm(t.app, page, session.jar);
  const body = await multipart({ description }, files);
  return t.app.inject({ method: 'POST', url: `${page}/staff-files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
}

const pdf = (): FileField => ({ name: 'files', filename: '笔录-王某.pdf', content: pdfFile(), type: 'application/pdf' });
const photo = (): FileField => ({ name: 'files', filename: '李家-入户.jpg', content: jpegWith(exifSegment()), type: 'image/jpeg' });

async function trackingPage(code: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.31.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  return (await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) })).body;
}

const staffFiles = (id: number) => evidenceOf(t.app.db, 'report_staff', id);
const actions = async (type: string, id: number) => (await entriesFor(t.app.db, type, String(id))).map((e) => e.action);

beforeAll(async () => {
  t = await makeApp({ retention: { identityDays: 10, evidenceDays: 10, declarationYears: 1 } });
  township = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  countyHandler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead']);
  countyLead = await signIn(t.app, leadStaff);
  custodian = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['custodian']));
  citySupervisor = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler', 'lead', 'supervisor']));
  assigneeStaff = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '郑春生' });
  assignee = await signIn(t.app, assigneeStaff);
  colleague = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['intake']));
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']));
});
afterAll(() => t.close());

describe('the township at work after 开始核查', () => {
  it('writes to the reporter and keeps internal notes; someone without a casework relation cannot post', async () => {
    const { id, page, queryCode } = await investigatedReport();
    const form = (await assignee.get(page)).body;
    expect(form).toContain(`action="${page}/message"`);
    expect(form).toContain('name="internal"');
    expect((await assignee.post(`${page}/message`, { body: '请问您说的两台拖拉机是哪一年买的？' }, page)).statusCode).toBe(303);
    expect((await assignee.post(`${page}/message`, { body: '已约村主任周三谈话。', internal: '1' }, page)).statusCode).toBe(303);
    const track = await trackingPage(queryCode);
    expect(track).toContain('请问您说的两台拖拉机是哪一年买的？');
    expect(track).not.toContain('已约村主任周三谈话。');

    // A custodian of the handling unit and the city above see the report but do no casework on it.
    const before = (await eventsOf(t.app.db, id)).length;
    for (const who of [custodian, citySupervisor]) {
      expect((await who.get(page)).body).not.toContain(`action="${page}/message"`);
      expect((await who.post(`${page}/message`, { body: '这条留言不该发出去。' }, page)).statusCode).toBe(403);
    }
    expect((await otherCounty.post(`${page}/message`, { body: '这条留言不该发出去。' }, '/staff/profile')).statusCode).toBe(404);
    expect((await eventsOf(t.app.db, id)).length).toBe(before);
  });
});

describe('staff investigation material', () => {
  it('the assignee uploads a 核查笔录 (PDF) and an 入户照片 whose GPS is stripped; the county sees both', async () => {
    const { id, page } = await investigatedReport();
    const form = (await assignee.get(page)).body;
    expect(form).toContain(`action="${page}/staff-files?_csrf=`);
    expect(form).toContain('enctype="multipart/form-data"');

    expect((await upload(assignee, page, NOTE, [pdf()])).statusCode).toBe(303);
    expect((await upload(assignee, page, PHOTO, [photo()])).statusCode).toBe(303);
    const [record, picture] = await staffFiles(id);
    expect(record).toMatchObject({ mime: 'application/pdf', uploadedBy: 'staff', uploadedById: assigneeStaff.user.id, forReferral: false });
    expect(picture).toMatchObject({ mime: 'image/jpeg', cleaned: true });
    // Encrypted at rest, and the photo's position and camera are gone from what is stored.
    const stored = await readAll(decryptFromStore(t.app.deps.dirs, t.app.keys.files, picture!.storedName));
    expect(stored.includes(GPS_RATIONALS)).toBe(false);
    expect(stored.includes(Buffer.from(CAMERA_MAKE))).toBe(false);
    expect(crypto.createHash('sha256').update(stored).digest('hex')).toBe(picture!.sha256);
    // Not among the reporter's own files.
    expect(await evidenceOf(t.app.db, 'report', id)).toEqual([]);

    // The county's handler sees both, with their descriptions; the list is audited by file id.
    const county = (await countyHandler.get(page)).body;
    expect(county).toContain(NOTE);
    expect(county).toContain(PHOTO);
    expect(county).toContain(`${page}/staff-files/${record!.id}`);
    const listed = (await entriesFor(t.app.db, 'report', String(id))).filter((e) => e.action === 'report.staff_files_view');
    expect(listed.length).toBeGreaterThan(0);
    expect(JSON.parse(listed.at(-1)!.detail!)).toEqual({ files: [record!.id, picture!.id] });
    for (const e of await entriesFor(t.app.db, 'report', String(id))) expect(e.detail ?? '').not.toContain('王某');
    // An internal line on the staff timeline.
    expect((await eventsOf(t.app.db, id)).map((e) => e.type)).toContain('staff_files_added');
    expect((await eventsOf(t.app.db, id, true)).map((e) => e.type)).not.toContain('staff_files_added');
  });

  it('refuses a fake .jpg (an HTML page) with the reason, keeps the description, stores nothing', async () => {
    const { id, page } = await investigatedReport();
    const fake: FileField = { name: 'files', filename: '照片.jpg', content: Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), type: 'image/jpeg' };
    const res = await upload(assignee, page, PHOTO, [pdf(), fake]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('照片.jpg：不能用这种文件。');
    // The good file is named as not saved either, and the description is still in its box.
    expect(res.body).toContain('笔录-王某.pdf');
    expect(res.body).toMatch(new RegExp(`name="description"[^>]* value="${PHOTO}"`));
    expect(await staffFiles(id)).toEqual([]);

    // No description: refused with its own message.
    const bare = await upload(assignee, page, ' ', [pdf()]);
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('请填写材料说明');
    expect(await staffFiles(id)).toEqual([]);
  });

  it('is never on the reporter\'s tracking page', async () => {
    const { page, queryCode } = await investigatedReport();
    expect((await upload(assignee, page, NOTE, [pdf()])).statusCode).toBe(303);
    const track = await trackingPage(queryCode);
    expect(track).not.toContain(NOTE);
    expect(track).not.toContain('笔录-王某.pdf');
    expect(track).not.toContain('staff-files');
    expect(track).not.toContain('核查材料');
  });

  it('is out of reach of another county (404), and of those who do not investigate (403)', async () => {
    const { id, page } = await investigatedReport();
    expect((await upload(assignee, page, NOTE, [pdf()])).statusCode).toBe(303);
    const [file] = await staffFiles(id);
    const download = `${page}/staff-files/${file!.id}`;
    expect((await otherCounty.get(page)).statusCode).toBe(404);
    expect((await otherCounty.get(download)).statusCode).toBe(404);
    const form = await openForm(t.app, '/staff/profile', otherCounty.jar);
    const body = await multipart({ description: NOTE }, [pdf()]);
    expect((await t.app.inject({ method: 'POST', url: `${page}/staff-files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload })).statusCode).toBe(404);
    // Intake, a custodian, the city above and the township's other users: no list, no download, no upload.
    for (const who of [intake, custodian, citySupervisor, colleague]) {
      const seen = await who.get(page);
      expect(seen.statusCode).toBe(200);
      expect(seen.body).not.toContain(NOTE);
      expect(seen.body).not.toContain('id="staff-files"');
      expect((await who.get(download)).statusCode).toBe(403);
      expect((await upload(who, page, NOTE, [pdf()])).statusCode).toBe(403);
    }
    expect(await staffFiles(id)).toHaveLength(1);
  });

  it('every download is audited by file id, never by name; an erased file is not sent', async () => {
    const { id, page } = await investigatedReport();
    expect((await upload(assignee, page, NOTE, [pdf()])).statusCode).toBe(303);
    const [file] = await staffFiles(id);
    const download = `${page}/staff-files/${file!.id}`;
    for (const who of [assignee, countyLead]) {
      const res = await who.get(download);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('attachment');
      expect(res.headers['content-disposition']).not.toContain('王某');
      expect(res.rawPayload.equals(pdfFile())).toBe(true);
    }
    const downloads = (await entriesFor(t.app.db, 'evidence', String(file!.id))).filter((e) => e.action === 'report.staff_file_download');
    expect(downloads.map((e) => e.actorId)).toEqual([assigneeStaff.user.id, leadStaff.user.id]);
    for (const e of downloads) expect(e.detail ?? '').not.toContain('王某');

    // Closed long ago: the sweep erases the staff material with the reporter's files; the download is gone.
    await updateReport(t.app.db, id, { status: 'closed', updatedAt: Date.now() - 60 * DAY });
    const swept = await runRetentionSweep(t.app.deps, null);
    expect(swept.files).toBeGreaterThanOrEqual(1);
    expect((await staffFiles(id))[0]!.erasedAt).not.toBeNull();
    expect((await countyLead.get(download)).statusCode).toBe(404);
    expect(await actions('evidence', file!.id)).toContain('retention.evidence_erased');
  });
});

describe('the referral packet', () => {
  it('leaves staff material out until a handler marks it 可移送, then carries it (print view and ZIP)', async () => {
    const { id, page } = await investigatedReport();
    expect((await upload(assignee, page, NOTE, [pdf()])).statusCode).toBe(303);
    expect((await upload(assignee, page, PHOTO, [photo()])).statusCode).toBe(303);
    const [record, picture] = await staffFiles(id);
    expect((await assignee.post(`${page}/refer`, { opinion: '经初步核实，村主任优亲厚友问题基本属实，移送处理。' }, page)).statusCode).toBe(303);
    const referral = (await referralService.referralsOf(t.app.deps, id))[0]!;
    const packet = `/staff/referrals/${referral.id}/packet`;

    const before = await inspector.get(packet);
    expect(before.statusCode).toBe(200);
    expect(before.body).not.toContain(record!.sha256);
    expect(before.body).not.toContain(`staff-${record!.id}`);
    const zipBefore = await JSZip.loadAsync((await inspector.get(`${packet}.zip`)).rawPayload);
    expect(Object.keys(zipBefore.files).filter((n) => n.includes('staff-'))).toEqual([]);

    // The township's colleague may not release it; the county handler marks the 笔录 only.
    expect((await colleague.post(`${page}/staff-files/referral`, { file: String(record!.id), referral: '1' }, page)).statusCode).toBe(403);
    expect((await countyHandler.post(`${page}/staff-files/referral`, { file: String(record!.id), referral: '1' }, page)).statusCode).toBe(303);
    expect(await actions('evidence', record!.id)).toContain('report.staff_file_released');

    const after = await inspector.get(packet);
    expect(after.body).toContain(record!.sha256);
    expect(after.body).toContain(`staff-${record!.id}.pdf`);
    expect(after.body).not.toContain(picture!.sha256);
    const zip = await JSZip.loadAsync((await inspector.get(`${packet}.zip`)).rawPayload);
    const inZip = await zip.file(`evidence/staff-${record!.id}.pdf`)!.async('nodebuffer');
    expect(inZip.equals(pdfFile())).toBe(true);
    expect(zip.file(`evidence/staff-${picture!.id}.jpg`)).toBeNull();
    expect(await zip.file('SHA256SUMS')!.async('string')).toContain(record!.sha256);

    // Taken back: out of the packet again, audited.
    expect((await countyHandler.post(`${page}/staff-files/referral`, { file: String(record!.id), referral: '0' }, page)).statusCode).toBe(303);
    expect((await inspector.get(packet)).body).not.toContain(record!.sha256);
    expect(await actions('evidence', record!.id)).toContain('report.staff_file_withheld');
    expect((await findReport(t.app.db, id))!.status).toBe('referred');
  });
});
