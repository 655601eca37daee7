// Issue 23, done when: "a declaration made under intl and a roster imported after the switch still
// raise the cross-check flag and the recusal" — and the other way round. ID numbers are hashed under
// the active crypto profile (id_hash) and the other one (id_hash_alt); a pair matches when any hash
// of one equals any hash of the other. Rows from before both were kept carry the HMAC-SHA256 hash
// alone and still match what is made under SM, because that carries the HMAC-SHA256 hash too.
// Each case has a database of its own: the audit chain links intl -> sm once and never goes back.
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { importDeclarations } from '../../src/cross-checks/import-service.js';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { findRegion } from '../../src/regions/index.js';
import { importRecipientList } from '../../src/disclosure/index.js';
import { recipients } from '../../src/disclosure/tables.js';
import { addRelative, saveDeclaration } from '../../src/declarations/service.js';
import { declarants, declaredRelatives } from '../../src/declarations/tables.js';
import { fileReport, isRecused } from '../../src/reports/index.js';
import { activeProfile, useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';
import { csvList, HENGAN, NANLING } from '../disclosure/helpers.js';
import { makeId } from '../disclosure/ids.js';

const RELATIVE_ID = makeId('19480808', 231, '220102');
const OWN_ID = makeId('19790909', 232, '220102');
const HOME = { prefecture: '220100', county: '220102', township: '220102002', village: '220102002001' }; // 北安社区, another township
const RELATIVE_PLACE = { prefecture: '220100', county: '220102', township: '220102001', village: HENGAN };

const started = activeProfile();
const apps: TestApp[] = [];
afterEach(async () => {
  useCryptoProfile(started);
  for (const a of apps.splice(0)) await a.close();
});

function under<T>(profile: CryptoProfileName, work: () => Promise<T>): Promise<T> {
  useCryptoProfile(profile);
  return work();
}

async function declare(t: TestApp, staff: TestStaff) {
  const saved = await saveDeclaration(t.app.deps, staff.user, { place: HOME, position: 'county_bureau_staff', idNumber: OWN_ID });
  expect(saved.ok).toBe(true);
  const user = { ...staff.user, homeVillageCode: HOME.village };
  const added = await addRelative(t.app.deps, user, { name: '孙德厚', relation: 'parent', idNumber: RELATIVE_ID, place: RELATIVE_PLACE, assistanceType: 'dibao' });
  expect(added).toMatchObject({ ok: true });
  return user;
}

async function importRoster(t: TestApp) {
  const outcome = await importRecipientList(t.app.deps, { type: 'system' }, NANLING, csvList([['孙德厚', RELATIVE_ID, 2, 450, '低保', '恒安社区']]));
  expect(outcome.kind).toBe('imported');
  const row = await t.app.db.select().from(recipients).where(eq(recipients.villageCode, HENGAN)).get();
  return row!;
}

/** Forgets the hashes under the other profile: rows as they were before both were kept. */
async function asOldRows(t: TestApp) {
  await t.app.db.update(recipients).set({ idHashAlt: null }).run();
  await t.app.db.update(declarants).set({ idHashAlt: null }).run();
  await t.app.db.update(declaredRelatives).set({ idHashAlt: null }).run();
}

async function objection(t: TestApp, recipientId: number) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'wrong_grant', placeCode: HENGAN, placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '这户家里有轿车和门市房，不应该享受低保，请核查。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null, objectionEntryId: recipientId },
  );
  return report;
}

/** The flag on the declared relative, the recusal (service and pages), and a colleague not recused. */
async function expectFlagAndRecusal(t: TestApp, declarant: TestStaff, user: TestStaff['user'], colleague: TestStaff, recipientId: number) {
  const flags = await t.app.db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.recipientId, recipientId), eq(crossCheckFlags.kind, 'declared'))).all();
  expect(flags).toHaveLength(1);
  expect(flags[0]!.status).toBe('open');
  const report = await objection(t, recipientId);
  expect(report.subjectIdHash).toBeTruthy();
  expect(await isRecused(t.app.db, user, report)).toBe(true);
  expect(await isRecused(t.app.db, colleague.user, report)).toBe(false);
  const mine = await signIn(t.app, declarant);
  const theirs = await signIn(t.app, colleague);
  expect((await mine.get(`/staff/reports/${report.id}`)).statusCode).toBe(404);
  expect((await mine.get('/staff/reports')).body).not.toContain(report.caseNo);
  expect((await theirs.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
  // The flags page hides the flag from the declarant (recusal by ID hash) and shows it to the colleague.
  expect((await mine.get('/staff/cross-checks')).body).not.toContain(`id="flag-${flags[0]!.id}"`);
  expect((await theirs.get('/staff/cross-checks')).body).toContain(`id="flag-${flags[0]!.id}"`);
}

async function setUp() {
  const t = await makeApp();
  apps.push(t);
  const declarant = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '孙丽' });
  const colleague = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '周建国' });
  return { t, declarant, colleague };
}

describe('a switch of crypto profile between a declaration and a roster drops no flag and no recusal (issue 23)', () => {
  for (const old of [false, true]) {
    const rows = old ? 'rows from before both hashes were kept' : 'rows made now';
    it(`declaration under intl, roster imported after the switch to sm (${rows})`, async () => {
      const { t, declarant, colleague } = await setUp();
      const user = await under('intl', () => declare(t, declarant));
      if (old) await asOldRows(t);
      const recipient = await under('sm', () => importRoster(t));
      expect(recipient.idHash.startsWith('sm3:')).toBe(true);
      await expectFlagAndRecusal(t, declarant, user, colleague, recipient.id);
    });

    it(`roster under intl, declaration made after the switch to sm (${rows})`, async () => {
      const { t, declarant, colleague } = await setUp();
      const recipient = await under('intl', () => importRoster(t));
      if (old) await asOldRows(t);
      const user = await under('sm', () => declare(t, declarant));
      const stored = await t.app.db.select().from(declaredRelatives).get();
      expect(stored!.idHash.startsWith('sm3:')).toBe(true);
      expect(stored!.idHashAlt).toBe(recipient.idHash);
      await expectFlagAndRecusal(t, declarant, user, colleague, recipient.id);
    });
  }

  it('an objection filed under intl about an old roster row still reaches a declaration made under sm', async () => {
    const { t, declarant, colleague } = await setUp();
    const recipient = await under('intl', () => importRoster(t));
    await asOldRows(t);
    const before = await under('intl', () => objection(t, recipient.id));
    const user = await under('sm', () => declare(t, declarant));
    expect(await isRecused(t.app.db, user, before)).toBe(true);
    expect(await isRecused(t.app.db, colleague.user, before)).toBe(false);
    const mine = await signIn(t.app, declarant);
    expect((await mine.get(`/staff/reports/${before.id}`)).statusCode).toBe(404);
  });

  it('re-importing a list after the switch gives its old rows both hashes, without a posting, and keeps the flag', async () => {
    const { t, declarant } = await setUp();
    await under('intl', () => declare(t, declarant));
    const first = await under('intl', () => importRoster(t));
    await asOldRows(t);
    const postings = async () => Number((await t.app.db.get<{ n: number }>(sql`select count(*) as n from postings`))!.n);
    const postingsBefore = await postings();
    const again = await under('sm', () => importRoster(t));
    expect(again.id).toBe(first.id);
    expect(again.idHash.startsWith('sm3:')).toBe(true);
    expect(again.idHashAlt).toBe(first.idHash);
    expect(await postings()).toBe(postingsBefore);
    const flags = await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.recipientId, first.id)).all();
    expect(flags.filter((f) => f.kind === 'declared' && f.status === 'open')).toHaveLength(1);
  });

  it('the flags page names, per township, the roster and declaration lists still hashed only under HMAC-SHA256, under sm only', async () => {
    const { t, declarant, colleague } = await setUp();
    await under('intl', () => declare(t, declarant));
    await under('intl', () => importRoster(t));
    await asOldRows(t);
    const page = async () => (await (await signIn(t.app, colleague)).get('/staff/cross-checks')).body;
    useCryptoProfile('intl');
    expect(await page()).not.toContain('HMAC-SHA256');
    useCryptoProfile('sm');
    let html = await page();
    expect(html).toContain('南岭街道救助对象名单：1 条记录仍仅以 HMAC-SHA256 哈希——请重新导入该名单，以完成向国密（SM）配置的切换。');
    // The declarant (at home in 北安社区's township) and her relative.
    expect(html).toMatch(/近亲属备案名单：2 条记录仍仅以 HMAC-SHA256 哈希/);
    const session = await signIn(t.app, colleague);
    const en = await t.app.inject({ url: '/staff/cross-checks', cookies: { ...session.jar, lang: 'en' } });
    expect(en.body).toContain('recipient roster: 1 entries still hashed only under HMAC-SHA256 — re-import the list to complete the switch to the SM profile.');
    // A re-import of the roster completes it for that list; the declarations still wait.
    await importRoster(t);
    html = await page();
    expect(html).not.toContain('救助对象名单：1 条');
    expect(html).toMatch(/近亲属备案名单：2 条记录/);
  });

  it('re-importing a declaration list after the switch gives its old rows both hashes, adds no one twice, and keeps the flag', async () => {
    const { t, colleague } = await setUp();
    const header = ['备案人姓名', '备案人身份证号', '职务', '所在村', '亲属姓名', '关系', '亲属身份证号', '亲属所在村', '救助类型'];
    const file = Buffer.from('\uFEFF' + [header, ['孙建国', OWN_ID, '村委会主任', '北安社区', '孙德厚', '父亲', RELATIVE_ID, '恒安社区', '低保']].map((r) => r.join(',')).join('\r\n'), 'utf8');
    const region = (await findRegion(t.app.db, '220102'))!;
    const actor = { userId: colleague.user.id, unitId: colleague.user.unitId! };
    const recipient = await under('intl', () => importRoster(t));
    expect(await under('intl', () => importDeclarations(t.app.deps, actor, region, file))).toMatchObject({ kind: 'imported', created: 1, relativesAdded: 1 });
    await asOldRows(t);
    // The same list after the switch: its rows take both hashes (updated), no one is added twice.
    const again = await under('sm', () => importDeclarations(t.app.deps, actor, region, file));
    expect(again).toMatchObject({ kind: 'imported', created: 0, updated: 1, relativesAdded: 0, relativesRemoved: 0 });
    const people = [...(await t.app.db.select().from(declarants).all()), ...(await t.app.db.select().from(declaredRelatives).all())];
    expect(people).toHaveLength(2);
    for (const p of people) {
      expect(p.idHash.startsWith('sm3:')).toBe(true);
      expect(p.idHashAlt).toMatch(/^[0-9a-f]{64}$/);
    }
    const flags = await t.app.db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.recipientId, recipient.id), eq(crossCheckFlags.kind, 'declared'))).all();
    expect(flags.filter((f) => f.status === 'open')).toHaveLength(1);
    expect(await under('sm', () => importDeclarations(t.app.deps, actor, region, file))).toMatchObject({ kind: 'repeat' });
  });
});
