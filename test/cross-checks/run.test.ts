// The three cross-check flags and a non-match, on keyed ID hashes only; re-running changes
// nothing, resolved flags stay resolved, flags that no longer hold are closed by the next run.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrossChecks } from '../../src/cross-checks/index.js';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { recipients } from '../../src/disclosure/tables.js';
import { insertRelative } from '../../src/declarations/repository.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { makeId } from '../disclosure/ids.js';
import { addDeclarant, addRecipient, dumpTable, hashOf } from './helpers.js';

let t: TestApp;
const V = '220102001001'; // 华阳社区, 南岭街道, 南关区
const V2 = '220102001002'; // 恒安社区
const flagsOf = async (declarantId: number) => t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.declarantId, declarantId)).all();

beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('runCrossChecks', () => {
  it('raises declared, declarant_receives and possible_relative, and nothing for a non-match', async () => {
    const relId = makeId('19600101', 11, '220102');
    const cadreId = makeId('19700505', 12, '220102');
    const declaredRecipient = await addRecipient(t.app, V2, '孙桂兰', relId);
    const cadreRecipient = await addRecipient(t.app, V, '周德明', cadreId);
    const sameSurname = await addRecipient(t.app, V, '赵秀英', makeId('19450303', 13, '220102'));
    const otherSurname = await addRecipient(t.app, V, '钱广福', makeId('19500404', 14, '220102'));
    const elsewhere = await addRecipient(t.app, V2, '赵玉芳', makeId('19520505', 15, '220102'));

    const a = await addDeclarant(t.app, { name: '赵德胜', id: makeId('19750101', 21, '220102'), village: V }, [{ name: '孙桂兰', id: relId, village: V2, relation: 'spouse' }]);
    const b = await addDeclarant(t.app, { name: '周德明', id: cadreId, village: V, position: 'group_leader' });
    const none = await addDeclarant(t.app, { name: '郝建国', id: makeId('19800101', 22, '220102'), village: V }, [{ name: '郝春梅', id: makeId('19820202', 23, '220102') }]);

    const result = await runCrossChecks(t.app.deps, { villageCodes: [V, V2] }, 1_000);
    expect(result.created).toBe(3);
    const fa = await flagsOf(a.declarant.id);
    expect(fa.map((f) => [f.kind, f.recipientId]).sort()).toEqual([['declared', declaredRecipient.id], ['possible_relative', sameSurname.id]].sort());
    expect(fa.find((f) => f.kind === 'declared')!.relativeId).toBe(a.relatives[0]!.id);
    expect(fa.every((f) => f.status === 'open' && f.countyCode === '220102')).toBe(true);
    expect(fa.find((f) => f.kind === 'declared')!.villageCode).toBe(V2);
    const fb = await flagsOf(b.declarant.id);
    expect(fb.map((f) => [f.kind, f.recipientId])).toEqual([['declarant_receives', cadreRecipient.id]]);
    // The same surname in another village, another surname, a relative on no roster: no flag.
    expect(await flagsOf(none.declarant.id)).toEqual([]);
    const all = await t.app.db.select().from(crossCheckFlags).all();
    expect(all.some((f) => f.recipientId === otherSurname.id || f.recipientId === elsewhere.id)).toBe(false);

    // Keyed hashes only: no table holds an ID number's digits.
    for (const table of ['cross_check_flags', 'declarants', 'declared_relatives', 'recipients', 'audit_log']) {
      const dump = await dumpTable(t.app, table);
      for (const id of [relId, cadreId]) {
        expect(dump).not.toContain(id);
        expect(dump).not.toContain(id.slice(0, 17));
      }
    }
    expect(await dumpTable(t.app, 'declarants')).toContain(hashOf(t.app, cadreId));
  });

  it('is idempotent: a second run, by village or by declarant, adds nothing', async () => {
    const before = await t.app.db.select().from(crossCheckFlags).all();
    expect(await runCrossChecks(t.app.deps, { villageCodes: [V, V2] }, 2_000)).toEqual({ created: 0, closed: 0 });
    const ids = [...new Set(before.map((f) => f.declarantId))];
    expect(await runCrossChecks(t.app.deps, { declarantIds: ids }, 3_000)).toEqual({ created: 0, closed: 0 });
    expect(await t.app.db.select().from(crossCheckFlags).all()).toEqual(before);
  });

  it('finds by declarant what a village run would (a relative declared later)', async () => {
    const lateId = makeId('19580808', 31, '220102');
    const recipient = await addRecipient(t.app, V2, '吴淑珍', lateId);
    const d = await addDeclarant(t.app, { name: '郑海涛', id: makeId('19720707', 32, '220102'), village: V });
    expect((await runCrossChecks(t.app.deps, { declarantIds: [d.declarant.id] }, 4_000)).created).toBe(0);
    await insertRelative(t.app.db, { declarantId: d.declarant.id, name: '吴淑珍', relation: 'parent', idHash: hashOf(t.app, lateId), villageCode: V2, assistanceType: 'dibao' });
    expect((await runCrossChecks(t.app.deps, { declarantIds: [d.declarant.id] }, 5_000)).created).toBe(1);
    expect((await flagsOf(d.declarant.id)).map((f) => [f.kind, f.recipientId])).toEqual([['declared', recipient.id]]);
  });

  it('never reopens a resolved flag, and closes an open one that no longer holds', async () => {
    const id = makeId('19660606', 41, '220102');
    const recipient = await addRecipient(t.app, V, '冯国庆', id);
    const d = await addDeclarant(t.app, { name: '冯志强', id: makeId('19680606', 42, '220102'), village: V });
    await runCrossChecks(t.app.deps, { villageCodes: [V] }, 6_000);
    const [flag] = await flagsOf(d.declarant.id);
    expect(flag!.kind).toBe('possible_relative');
    await t.app.db.update(crossCheckFlags).set({ status: 'resolved', actionNote: '经核实非近亲属', resolvedBy: 1, resolvedAt: 6_500 }).where(eq(crossCheckFlags.id, flag!.id)).run();
    expect((await runCrossChecks(t.app.deps, { villageCodes: [V] }, 7_000)).created).toBe(0);
    expect(await flagsOf(d.declarant.id)).toEqual([{ ...flag!, status: 'resolved', actionNote: '经核实非近亲属', resolvedBy: 1, resolvedAt: 6_500 }]);

    // Declaring the recipient turns the surname match into a declared flag and closes nothing resolved.
    const d2 = await addDeclarant(t.app, { name: '冯玉林', id: makeId('19690909', 43, '220102'), village: V });
    await runCrossChecks(t.app.deps, { declarantIds: [d2.declarant.id] }, 8_000);
    expect((await flagsOf(d2.declarant.id)).map((f) => f.kind)).toEqual(['possible_relative']);
    await insertRelative(t.app.db, { declarantId: d2.declarant.id, name: '冯国庆', relation: 'sibling', idHash: hashOf(t.app, id), villageCode: V, assistanceType: 'dibao' });
    const rerun = await runCrossChecks(t.app.deps, { declarantIds: [d2.declarant.id] }, 9_000);
    expect(rerun).toEqual({ created: 1, closed: 1 });
    const after = await flagsOf(d2.declarant.id);
    expect(after.find((f) => f.kind === 'possible_relative')).toMatchObject({ status: 'resolved', resolvedBy: null, actionNote: null, resolvedAt: 9_000 });
    expect(after.find((f) => f.kind === 'declared')).toMatchObject({ status: 'open', recipientId: recipient.id });

    // The recipient leaves the roster: the open declared flag closes on the village's next run.
    await t.app.db.update(recipients).set({ status: 'removed', removedOn: '2026-02-01' }).where(eq(recipients.id, recipient.id)).run();
    expect((await runCrossChecks(t.app.deps, { villageCodes: [V] }, 10_000)).closed).toBe(1);
    expect((await flagsOf(d2.declarant.id)).every((f) => f.status === 'resolved')).toBe(true);
  });
});
