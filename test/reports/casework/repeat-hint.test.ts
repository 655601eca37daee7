// The repeat-complaint hint (issue 19 item 12): logging a call, the clerk is shown earlier reports
// that may be the same complaint — same village and category within 90 days, the same subject
// name, or very similar text — each linked, so she can merge; never one of another county, even to
// a city clerk who sees both counties. A hint only: nothing is merged.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fileReport, findReport } from '../../../src/reports/index.js';
import { normaliseText, textSimilarity } from '../../../src/reports/casework/intake.js';
import { childrenOf } from '../../../src/regions/index.js';
import { aVillageOf } from '../../helpers/reports.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { multipart, openForm } from '../../helpers/forms.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { reportFields } from '../fixtures.js';
import { onPostgres } from '../../../src/db/engine.js';
import { staffContext } from '../../../src/plugins/auth.js';
import { findUnit } from '../../../src/units/index.js';
import { SCOPE_PLAN, scopeOf } from '../../../src/reports/casework/scope.js';
import { repeatCandidatesPlan } from '../../../src/reports/casework/repository/repeats.js';

let t: TestApp;
let city: Session;
/** Three villages of 南关区's first township (the form's fixture picks the first). */
let v: string[];

async function online(countyCode: string, placeCode: string, over: { category?: string; subjectName?: string | null; description?: string; receivedDaysAgo?: number } = {}) {
  const { report } = await fileReport(
    t.app.deps,
    {
      category: over.category ?? 'favouritism',
      placeCode,
      placeOther: null,
      countyCode,
      townshipCode: placeCode.slice(0, 9),
      subjectName: over.subjectName ?? null,
      subjectPosition: null,
      subjectIsHead: false,
      description: over.description ?? '去年秋天评低保的时候，村里没有开评议会，名单是村上几个人定的。',
      happenedAt: null,
      identity: null,
    } as never,
    [],
    { channel: 'online', nonce: null, ...(over.receivedDaysAgo ? { receivedAt: Date.now() - over.receivedDaysAgo * 86_400_000 } : {}) },
  );
  return report;
}

async function logCall(fields: Record<string, string>) {
  const form = await openForm(t.app, '/staff/reports/new', city.jar);
  const body = await multipart({ ...reportFields({ source: 'call' }), submission_id: form.hidden.submission_id!, ...fields });
  return t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
}

beforeAll(async () => {
  t = await makeApp();
  // A city clerk sees the reports of all its counties: the hint must still keep to the county.
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['intake']));
  v = (await childrenOf(t.app.db, '220102001')).map((r) => r.code);
  expect(v[0]).toBe('220102001001');
  expect(v.length).toBeGreaterThanOrEqual(3);
});
afterAll(() => t.close());

describe('the repeat hint when logging', () => {
  it('lists an earlier report of the same village and category, and not one of another county', async () => {
    const sameVillage = await online('220102', '220102001001', { description: '低保户名单里有村会计的儿媳妇，她在城里上班。' });
    const otherVillage = await online('220102', v[1]!, { description: '村里修路的钱去向不明。', category: 'other' });
    const otherCounty = await online('220103', await aVillageOf(t.app, '220103'));
    const res = await logCall({ category: 'favouritism', village: '220102001001', subject_name: '', description: '我要反映村里评低保不公平，有钱人家也吃上了低保，穷的反而没有。' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('可能是重复反映');
    expect(res.body).toContain(`<a href="/staff/reports/${sameVillage.id}">${sameVillage.caseNo}</a>`);
    expect(res.body).toContain('同村同类问题');
    expect(res.body).not.toContain(otherVillage.caseNo);
    expect(res.body).not.toContain(otherCounty.caseNo);
    // A hint only: the new report is filed as received, the earlier one untouched.
    const logged = (await t.app.db.get<{ id: number; status: string }>(sql`select id, status from reports order by id desc limit 1`))!;
    expect(logged.status).toBe('received');
    expect((await findReport(t.app.db, sameVillage.id))!.status).toBe('received');
  });

  it('lists the same subject name, and very similar text, within the county only', async () => {
    const named = await online('220102', v[2]!, { subjectName: '赵有才', category: 'other', description: '村里修路的钱去向不明，账目不公开。' });
    const text = '村支书赵有才把自己的亲戚评上了低保，他们家有楼房有轿车，村里人都有意见。';
    const similar = await online('220102', v[2]!, { category: 'other', description: `${text}希望上级来查一查。` });
    const similarElsewhere = await online('220103', await aVillageOf(t.app, '220103'), { subjectName: '赵有才', description: text });
    // Same village and category, but more than 90 days ago: not listed for that reason.
    const old = await online('220102', v[1]!, { category: 'wrong_grant', description: '去年的事情，和这件无关的内容。', receivedDaysAgo: 120 });
    const res = await logCall({ category: 'wrong_grant', village: v[1]!, subject_name: '赵有才', description: text });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(named.caseNo);
    expect(res.body).toContain('被反映人相同');
    expect(res.body).toContain(similar.caseNo);
    expect(res.body).toContain('内容相近');
    expect(res.body).not.toContain(similarElsewhere.caseNo);
    expect(res.body).not.toContain(old.caseNo);
  });

  it('compares text by letters and digits only', () => {
    expect(normaliseText('低保， 不公平！ABC')).toBe('低保不公平abc');
    expect(textSimilarity('村干部优亲厚友，把亲属评为低保户。', '村干部优亲厚友把亲属评为低保户')).toBe(1);
    expect(textSimilarity('村干部优亲厚友', '修路款去向不明')).toBe(0);
  });
});

// SQLite plans by rules (no ANALYZE); PostgreSQL by its statistics, so there only the rows are tested.
describe.skipIf(onPostgres)('the candidates read', () => {
  const shipped = SCOPE_PLAN.denseReports;
  afterEach(() => {
    SCOPE_PLAN.denseReports = shipped;
  });

  it('is a range of the county’s newest reports, not every report of the county or of the user’s tree sorted', async () => {
    // A prefecture whose tree counts as dense (as at provincial scale) and one that does not.
    for (const dense of [1, 1_000_000]) {
      SCOPE_PLAN.denseReports = dense;
      const staff = await createStaff(t.app, 'ca:220100', ['intake']);
      const scope = await scopeOf(t.app.db, staffContext(staff.user, (await findUnit(t.app.db, staff.user.unitId))!));
      const plan = (await repeatCandidatesPlan(t.app.db, scope.inTimeOrder ?? scope.condition, '220102', 0, Date.now() - 365 * 86_400_000, 500)).join('\n');
      expect(plan, `dense ${dense}`).toMatch(/reports_county_received_idx/);
      expect(plan, `dense ${dense}`).not.toMatch(/TEMP B-TREE/);
    }
  });
});
