import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { postingEntries, postings, recipientImports, recipients } from '../../src/disclosure/tables.js';
import { entriesFor } from '../../src/audit/index.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { breakCheck } from './ids.js';
import { BAIYI, csvList, HENGAN, HUAYANG, ids, NANLING, objectionLinks, upload, xlsxList, type Line } from './helpers.js';

let t: TestApp;
let township: Session;
const [A, B, C, D, E] = ids(5, 10);

beforeAll(async () => {
  t = await makeApp();
  township = await signIn(t.app, await createStaff(t.app, `gov:${NANLING}`, ['handler']));
});
afterAll(() => t.close());

const db = () => t.app.db;
// In id order: without ORDER BY, PostgreSQL returns rows in the order they lie in the table, which an
// update changes (SQLite happens to return them by id).
const activeIn = async (village: string) =>
  await db().select().from(recipients).where(and(eq(recipients.villageCode, village), eq(recipients.status, 'active'))).orderBy(asc(recipients.id)).all();

describe('importing a recipient list', () => {
  it('imports nothing when one row is bad, and reports that row, its column and the problem', async () => {
    const lines: Line[] = [
      ['张明华', A!, 3, 560, '低保', '华阳社区'],
      ['李秀英', breakCheck(B!), 1, 420, '特困', '华阳社区'],
      ['王建国', C!, 25, 380, '低保', '恒安社区'],
    ];
    const res = await upload(t.app, township, csvList(lines), 'list.csv');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('没有导入任何数据');
    // Row 3 (the second data row) has the wrong check character; row 4 a household of 25.
    expect(res.body).toMatch(/<tr class="problem"><td>3<\/td><td>身份证号码<\/td><td>身份证号码最后一位校验码不对/);
    expect(res.body).toMatch(/<tr class="problem"><td>4<\/td><td>家庭人口<\/td><td>家庭人口应为 1 到 20/);
    expect(res.body).not.toContain(B!.slice(0, 17));
    expect(await db().select().from(recipients).all()).toEqual([]);
    expect(await db().select().from(postings).all()).toEqual([]);
    expect(await db().select().from(recipientImports).all()).toEqual([]);
  });

  it('imports a valid XLSX list: a posting per village for 7 days, then the roster, audited', async () => {
    const file = await xlsxList(
      [
        ['张明华', A!, 3, 560, '低保', '华阳社区'],
        ['欧阳秀英', B!, 1, 860.5, '特困供养', '华阳社区'],
        ['王建国', C!, 2, 380, '农村低保', '恒安社区'],
      ],
      '南岭街道低保对象名单',
    );
    const res = await upload(t.app, township, file, '名单.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('名单已导入');
    const today = todayInChina();
    const list = await db().select().from(postings).all();
    expect(list.map((p) => [p.villageCode, p.townshipCode, p.countyCode, p.startsOn, p.endsOn]).sort()).toEqual([
      // 公示期7天: the day of posting is the first of the seven (issue 19 item 15: it ran eight).
      [HUAYANG, NANLING, '220102', today, addDays(today, 6)],
      [HENGAN, NANLING, '220102', today, addDays(today, 6)],
    ]);
    const roster = await activeIn(HUAYANG);
    expect(roster.map((r) => [r.maskedName, r.surname, r.householdSize, r.monthlyAmountFen, r.type, r.sinceOn])).toEqual([
      ['张*华', '张', 3, 56000, 'dibao', today],
      ['欧阳*英', '欧阳', 1, 86050, 'extreme', today],
    ]);
    // Nothing but the keyed hash of the ID number is stored.
    const stored = JSON.stringify(await db().select().from(recipients).all()) + JSON.stringify(await db().select().from(recipientImports).all());
    for (const id of [A!, B!, C!]) expect(stored).not.toContain(id.slice(0, 17));
    expect(stored).not.toContain('明华');
    const entries = await db().select().from(postingEntries).all();
    expect(entries.map((e) => e.change)).toEqual(['new', 'new', 'new']);
    const audit = await entriesFor(db(), 'recipient_import', String((await db().select().from(recipientImports).get())!.id));
    expect(audit.map((a) => a.action)).toEqual(['disclosure.import']);
  });

  it('recognises a re-import of the same list, even saved as CSV, and opens no posting', async () => {
    const before = (await db().select().from(postings).all()).length;
    const lines: Line[] = [
      ['王建国', C!, 2, 380, '低保', '恒安社区'],
      ['张明华', A!, 3, '560.00', '低保', '华阳社区'],
      ['欧阳秀英', B!, 1, '860.50', '特困', '华阳社区'],
    ];
    const res = await upload(t.app, township, csvList(lines), 'list.csv');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('这份名单已经导入过');
    expect((await db().select().from(postings).all()).length).toBe(before);
    expect((await db().select().from(recipientImports).all()).length).toBe(1);
  });

  it('posts changed and removed people, re-admits a returning one, and leaves other villages alone', async () => {
    // 华阳社区: 张明华's amount changes, 欧阳秀英 is no longer listed, 赵四 is new. 恒安社区 is not in the file.
    const res = await upload(t.app, township, csvList([
      ['张明华', A!, 3, 620, '低保', '华阳社区'],
      ['赵四', D!, 4, 700, '临时救助', '华阳社区'],
    ]), 'list.csv');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('华阳社区');
    const posting = (await db().select().from(postings).where(eq(postings.villageCode, HUAYANG)).orderBy(asc(postings.id)).all()).pop()!;
    const entries = await db().select().from(postingEntries).where(eq(postingEntries.postingId, posting.id)).orderBy(asc(postingEntries.id)).all();
    expect(entries.map((e) => [e.change, e.maskedName, e.monthlyAmountFen])).toEqual([
      ['new', '赵*', 70000],
      ['changed', '张*华', 62000],
      ['removed', '欧阳*英', 86050],
    ]);
    expect((await activeIn(HUAYANG)).map((r) => r.maskedName).sort()).toEqual(['张*华', '赵*'].sort());
    const gone = (await db().select().from(recipients).where(eq(recipients.maskedName, '欧阳*英')).get())!;
    expect([gone.status, gone.removedOn, gone.lastPostingId]).toEqual(['removed', todayInChina(), posting.id]);
    expect((await activeIn(HENGAN)).map((r) => r.maskedName)).toEqual(['王*国']);

    // On the public page, an objection to the removal is filed as 一刀切退保, the others as 错保.
    const page = await t.app.inject({ url: `/disclosure/villages/${HUAYANG}` });
    const categories = objectionLinks(page.body).filter((l) => l.searchParams.get('objection') === String(gone.id)).map((l) => l.searchParams.get('category'));
    expect(categories).toContain('blanket_removal');
    expect(objectionLinks(page.body).filter((l) => l.searchParams.get('category') === 'blanket_removal').length).toBe(1);

    // She comes back (her row is re-used, with a new since date) and 百屹社区 gets its first list.
    const back = await upload(t.app, township, csvList([
      ['张明华', A!, 3, 620, '低保', '华阳社区'],
      ['赵四', D!, 4, 700, '临时救助', '华阳社区'],
      ['欧阳秀英', B!, 1, 860.5, '特困', '华阳社区'],
      ['孙五', E!, 2, 500, '低保', '百屹社区'],
    ]), 'list.csv');
    expect(back.statusCode).toBe(200);
    const again = (await db().select().from(recipients).where(eq(recipients.id, gone.id)).get())!;
    expect([again.status, again.removedOn]).toEqual(['active', null]);
    expect((await activeIn(BAIYI)).map((r) => r.maskedName)).toEqual(['孙*']);
  });

  it('lets the county choose one of its townships, and no one import outside their own', async () => {
    const county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
    const otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['handler', 'lead', 'intake']));
    const otherTownship = await signIn(t.app, await createStaff(t.app, 'gov:220102002', ['handler']));
    const city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead', 'handler']));
    const file = csvList([['周六', ids(1, 90)[0]!, 2, 450, '低保', '自强社区']]);
    const page = await county.get('/staff/disclosure/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<select id="township" name="township"');
    const own = await upload(t.app, county, csvList([['孙五', E!, 2, 500, '低保', '百屹社区']]), 'l.csv', { township: NANLING });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('没有需要公示的变动');
    expect(own.body).not.toContain('公示期');

    expect((await upload(t.app, otherCounty, file, 'l.csv', { township: NANLING })).statusCode).toBe(404);
    expect((await upload(t.app, otherTownship, file, 'l.csv', { township: NANLING })).statusCode).toBe(404);
    expect((await city.get('/staff/disclosure/import')).statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: '/staff/disclosure/import' });
    expect(anonymous.statusCode).toBe(303);
  }, 120_000);

  it('asks for a file, refuses one over 5 MB, and serves the empty template', async () => {
    const none = await upload(t.app, township, Buffer.alloc(0), '');
    expect(none.statusCode).toBe(400);
    const big = await upload(t.app, township, Buffer.alloc(5 * 1024 * 1024 + 10, 0x41), 'big.csv');
    expect(big.statusCode).toBe(413);
    const template = await township.get('/staff/disclosure/template.csv');
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toContain('text/csv');
    expect(template.body.replace(/^\uFEFF/, '').trim()).toBe('姓名,身份证号码,家庭人口,月保障金（元）,救助类型,村（社区）');
  });

  it('says why an upload is refused: no file, over 5 MB, not sent as a file form', async () => {
    const none = await upload(t.app, township, Buffer.alloc(0), '');
    expect(none.body).toContain('请选择要上传的名单文件。');
    const big = await upload(t.app, township, Buffer.alloc(5 * 1024 * 1024 + 10, 0x41), 'big.csv');
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('文件超过大小限制，请分村分批导入。');
    const form = await openForm(t.app, '/staff/disclosure/import', township.jar);
    const plain = await t.app.inject({
      method: 'POST', url: `/staff/disclosure/import?_csrf=${encodeURIComponent(form.csrf)}`, cookies: { ...township.jar, ...form.cookies },
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `township=${NANLING}`,
    });
    expect(plain.statusCode).toBe(400);
    expect(plain.body).toContain('上传失败，请重新选择文件后提交。');
  });

  it('answers a township out of reach as not found without reading the file that follows it', async () => {
    const otherTownship = await signIn(t.app, await createStaff(t.app, 'gov:220102002', ['handler']));
    const before = (await db().select().from(recipientImports).all()).length;
    // Larger than the stream buffers: the request body is read to its end only if the file is drained.
    const res = await upload(t.app, otherTownship, Buffer.alloc(4 * 1024 * 1024, 0x41), 'big.csv', { township: NANLING });
    expect(res.statusCode).toBe(404);
    await vi.waitFor(() => expect(res.raw.req.readableEnded).toBe(true));
    expect((await db().select().from(recipientImports).all()).length).toBe(before);
  });

  it('sends the template as a named, uncached attachment', async () => {
    const template = await township.get('/staff/disclosure/template.csv');
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(template.headers['content-disposition']).toBe(`attachment; filename="recipients-template.csv"; filename*=UTF-8''${encodeURIComponent('保障对象名单模板.csv')}`);
    expect(template.headers['cache-control']).toBe('no-store');
  });
});
