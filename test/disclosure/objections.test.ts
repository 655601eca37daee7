import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { recipients } from '../../src/disclosure/tables.js';
import { fileReport, type ReportInput } from '../../src/reports/index.js';
import { recipientIdHash } from '../../src/disclosure/repository.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { csvList, HENGAN, HUAYANG, ids, NANLING, upload } from './helpers.js';

let t: TestApp;
let county: Session, otherCounty: Session;
const people = ids(3, 300);

async function object(village: string, recipientId: number, text: string) {
  const input: ReportInput = {
    category: 'wrong_grant', placeCode: village, placeOther: null, countyCode: '220102', townshipCode: NANLING,
    subjectName: null, subjectPosition: null, subjectIsHead: false, description: text, happenedAt: null, identity: null,
  };
  return (await fileReport(t.app.deps, input, [], { channel: 'online', nonce: null, objectionEntryId: recipientId })).report;
}

beforeAll(async () => {
  t = await makeApp();
  const township = await signIn(t.app, await createStaff(t.app, `gov:${NANLING}`, ['handler']));
  const res = await upload(t.app, township, csvList([
    ['张明华', people[0]!, 3, 560, '低保', '华阳社区'],
    ['欧阳秀英', people[1]!, 1, 860, '特困', '华阳社区'],
    ['王建国', people[2]!, 2, 420, '低保', '恒安社区'],
  ]), 'list.csv');
  if (res.statusCode !== 200) throw new Error(`import failed: ${res.statusCode}`);
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler']));
});
afterAll(() => t.close());

describe('staff view of objections', () => {
  it('groups objections filed from the lists per village and per entry, in the user scope', async () => {
    const id = async (masked: string) => (await t.app.db.select().from(recipients).where(eq(recipients.maskedName, masked)).get())!.id;
    const r1 = await object(HUAYANG, await id('张*华'), '这户儿子在城里买了楼，家里还有四十亩地，不符合低保条件。');
    const r2 = await object(HUAYANG, await id('张*华'), '张家开着小卖部，每月收入不少，不应该吃低保。');
    const r3 = await object(HENGAN, await id('王*国'), '王家新买了一辆小轿车，村里人都知道，不应该享受低保。');
    await object(HUAYANG, 999_999, '链接里的编号对不上，但是这户确实不符合条件，请核查。');

    const page = await county.get('/staff/disclosure/objections');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('华阳社区');
    expect(body).toContain('3 件异议，涉及 2 个对象');
    expect(body).toContain('1 件异议，涉及 1 个对象');
    expect(body).toContain('张*华');
    expect(body).toContain('名单中没有编号为 999999 的对象');
    for (const r of [r1, r2, r3]) expect(body).toContain(`href="/staff/reports/${r.id}"`);
    // 华阳社区 (3) comes before 恒安社区 (1); inside it 张*华 (2 reports) first.
    expect(body.indexOf('华阳社区')).toBeLessThan(body.indexOf('恒安社区'));
    expect(body).not.toContain('欧阳*英');

    const other = await otherCounty.get('/staff/disclosure/objections');
    expect(other.statusCode).toBe(200);
    expect(other.body).toContain('暂无异议');
    expect(other.body).not.toContain(r1.caseNo);
  });

  // An objection's entry id comes from a link anyone can edit: one beyond PostgreSQL's integer ids
  // names no recipient there as on SQLite, instead of failing the lookup.
  it('finds no recipient for an entry id beyond any id', async () => {
    expect(await recipientIdHash(t.app.db, 99_999_999_999)).toBeNull();
    const listed = (await t.app.db.select().from(recipients).where(eq(recipients.maskedName, '王*国')).get())!;
    expect(await recipientIdHash(t.app.db, listed.id)).toBe(listed.idHash);
  });

  it('is for signed-in staff only', async () => {
    const res = await t.app.inject({ url: '/staff/disclosure/objections' });
    expect(res.statusCode).toBe(303);
  });
});
