// The rosters other features read (the cross-checks' candidates, their demo) come in id order on both
// engines. Without ORDER BY, PostgreSQL returns rows in the order they lie in the table, and an
// update moves a row to its end: the person whose amount changed would come last there, first on
// SQLite, and the flags made from the list would differ between the engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeRecipientsOfVillages, activeRecipientsWithHashes } from '../../src/disclosure/index.js';
import { recipientsOfVillages } from '../../src/disclosure/repository.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { csvList, HUAYANG, ids, NANLING, upload } from './helpers.js';

let t: TestApp;
const [A, B, C] = ids(3, 500);

beforeAll(async () => {
  t = await makeApp();
  const township = await signIn(t.app, await createStaff(t.app, `gov:${NANLING}`, ['handler']));
  for (const amount of [560, 620]) {
    const res = await upload(t.app, township, csvList([
      ['张明华', A!, 3, amount, '低保', '华阳社区'],
      ['欧阳秀英', B!, 1, 860, '特困', '华阳社区'],
      ['王建国', C!, 2, 420, '低保', '华阳社区'],
    ]), 'list.csv');
    if (res.statusCode !== 200) throw new Error(`import failed: ${res.statusCode}`);
  }
});
afterAll(() => t.close());

describe('roster reads for other features', () => {
  it('come in id order after a change to the first person', async () => {
    const byVillage = await activeRecipientsOfVillages(t.app.db, [HUAYANG]);
    expect(byVillage.map((r) => r.maskedName)).toEqual(['张*华', '欧阳*英', '王*国']);
    expect(byVillage[0]!.monthlyAmountFen).toBe(62000);
    const ordered = byVillage.map((r) => r.id);
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    expect((await activeRecipientsWithHashes(t.app.db, byVillage.map((r) => r.idHash).reverse())).map((r) => r.id)).toEqual(ordered);
    expect((await recipientsOfVillages(t.app.db, [HUAYANG])).map((r) => r.id)).toEqual(ordered);
  });
});
