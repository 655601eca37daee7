// Issue 19 item 15: the cross-check flags show names in full to the units that must verify them —
// the county bureau of the recipient's county and the township of the recipient's village — each
// flag so shown audited with who and which flag, never the names; everyone else (the city looking
// on) sees them masked. Recusal reaches flags: a declarant never sees a flag naming herself or a
// relative she declared, even one raised on someone else's declaration.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { runCrossChecks } from '../../src/cross-checks/index.js';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { makeId } from '../disclosure/ids.js';
import { addDeclarant, addRecipient, dumpTable } from './helpers.js';

let t: TestApp;
let countyStaff: TestStaff, cityStaff: TestStaff;
let county: Session, township: Session, city: Session;
let flagId: number;
const HOME = '220102001001'; // 华阳社区, 南岭街道, 南关区
const REL_VILLAGE = '220102001002'; // 恒安社区

const namesViewed = async (id: number) => (await entriesFor(t.app.db, 'cross_check_flag', String(id))).filter((e) => e.action === 'cross_check.names_viewed');

beforeAll(async () => {
  t = await makeApp();
  countyStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  cityStaff = await createStaff(t.app, 'ca:220100', ['supervisor']);
  county = await signIn(t.app, countyStaff);
  township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['handler']));
  city = await signIn(t.app, cityStaff);
  await addRecipient(t.app, REL_VILLAGE, '李秀兰', makeId('19550505', 81, '220102'));
  const d = await addDeclarant(t.app, { name: '王德福', id: makeId('19700101', 82, '220102'), village: HOME }, [{ name: '李秀兰', id: makeId('19550505', 81, '220102'), village: REL_VILLAGE, relation: 'spouse' }]);
  await runCrossChecks(t.app.deps, { declarantIds: [d.declarant.id] });
  flagId = (await t.app.db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.declarantId, d.declarant.id), eq(crossCheckFlags.kind, 'declared'))).get())!.id;
});
afterAll(() => t.close());

describe('names on the flags page', () => {
  it('shows the county bureau that verifies the flag the full names, and audits who saw which flag', async () => {
    const page = await county.get('/staff/cross-checks');
    expect(page.body).toContain(`id="flag-${flagId}"`);
    expect(page.body).toContain('救助对象 李秀兰 是备案人 王德福（村干部）备案的近亲属（配偶）');
    expect(page.body).not.toContain('李*兰');
    expect(page.body).toContain('您的单位负责核实这条提示，所以显示全名');
    const entries = await namesViewed(flagId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'staff', actorId: countyStaff.user.id });
    const audit = await dumpTable(t.app, 'audit_log');
    for (const name of ['李秀兰', '王德福', '李*兰', '王*福']) expect(audit).not.toContain(name);
  });

  it('shows the township of the village the full names too, audited', async () => {
    const page = await township.get('/staff/cross-checks');
    expect(page.body).toContain('李秀兰');
    expect(await namesViewed(flagId)).toHaveLength(2);
  });

  it('masks them for the city, which looks on, and writes no entry for it', async () => {
    const before = (await namesViewed(flagId)).length;
    const page = await city.get('/staff/cross-checks?region=220102');
    expect(page.body).toContain(`id="flag-${flagId}"`);
    expect(page.body).toContain('救助对象 李*兰 是备案人 王*福（村干部）备案的近亲属（配偶）');
    for (const name of ['李秀兰', '王德福']) expect(page.body).not.toContain(name);
    expect(page.body).toContain('全名只向负责核实的县级民政部门和乡镇（街道）显示');
    expect(await namesViewed(flagId)).toHaveLength(before);
    expect((await namesViewed(flagId)).some((e) => e.actorId === cityStaff.user.id)).toBe(false);
  });

  it('labels 低保 in a community 城市低保', async () => {
    expect((await county.get('/staff/cross-checks')).body).toContain('<dd>城市低保</dd>');
  });
});

describe('recusal on flags', () => {
  it('hides from a declarant the flag about her declared mother raised on another declaration', async () => {
    const me = await createStaff(t.app, 'ca:220102', ['handler'], { displayName: '赵春生' });
    const session = await signIn(t.app, me);
    const motherId = makeId('19480202', 83, '220102');
    await addRecipient(t.app, HOME, '孙秀芝', motherId);
    // Her own declaration names her mother; her stepfather, a village cadre, declared his wife too.
    await addDeclarant(t.app, { name: '赵春生', id: makeId('19760303', 84, '220102'), village: REL_VILLAGE, position: 'county_bureau_staff', userId: me.user.id }, [{ name: '孙秀芝', id: motherId, village: HOME, relation: 'parent' }]);
    const cadre = await addDeclarant(t.app, { name: '钱大山', id: makeId('19460606', 85, '220102'), village: HOME }, [{ name: '孙秀芝', id: motherId, village: HOME, relation: 'spouse' }]);
    await runCrossChecks(t.app.deps, { declarantIds: [cadre.declarant.id] });
    const aboutMother = (await t.app.db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.declarantId, cadre.declarant.id), eq(crossCheckFlags.kind, 'declared'))).get())!;

    const colleague = await county.get('/staff/cross-checks');
    expect(colleague.body).toContain(`id="flag-${aboutMother.id}"`);
    const mine = await session.get('/staff/cross-checks?status=all');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).not.toContain(`id="flag-${aboutMother.id}"`);
    expect(mine.body).not.toContain('孙秀芝');
    expect((await session.post(`/staff/cross-checks/flags/${aboutMother.id}/resolve`, { outcome: 'not_relative', note: '' }, '/staff/cross-checks')).statusCode).toBe(404);
    // Nor was she shown, and audited as shown, the names of that flag.
    expect((await namesViewed(aboutMother.id)).some((e) => e.actorId === me.user.id)).toBe(false);
  });
});
