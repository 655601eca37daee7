// One validator for a declared relative, used by the profile (own declaration) and by the bureau's
// non-user declarants: the shared checks give the same keys to both; the name rule and the "own
// ID number" message stay each feature's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeclarantRelative } from '../../src/cross-checks/declarants-service.js';
import { addRelative, declarantOfUser, relativesOf, validateRelative, type RelativeInput, type RelativeRules } from '../../src/declarations/index.js';
import type { StaffContext } from '../../src/plugins/auth.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, type TestStaff } from '../helpers/staff.js';
import { addDeclarant, dumpTable, hashesOf } from '../cross-checks/helpers.js';
import { breakCheck, makeId } from '../disclosure/ids.js';

let t: TestApp;
let staff: TestStaff;
const HOME = '220102002001'; // 北安社区
const PLACE = { prefecture: '220100', county: '220102', township: '220102001', village: '220102001001' }; // 华阳社区
const OWN_ID = makeId('19800312', 41, '220102');
const REL_ID = makeId('19520101', 42, '220102');

const input = (over: Partial<RelativeInput> = {}): RelativeInput => ({ name: '王德福', relation: 'parent', idNumber: REL_ID, place: PLACE, assistanceType: 'dibao', ...over });

/** A stand-in rule set: names with a digit are refused. */
const RULES: RelativeRules = { readName: (raw) => (/\d/.test(raw) ? null : raw.trim()), nameInvalid: 'test.name_invalid', ownId: 'test.id_own' };

beforeAll(async () => {
  t = await makeApp();
  staff = await createStaff(t.app, 'ca:220102', ['handler'], { displayName: '李春梅' });
});
afterAll(() => t.close());

describe('validateRelative', () => {
  it('returns the relative to store: the name as the rule reads it, the village, the hash and never the number', async () => {
    const { declarant } = await addDeclarant(t.app, { name: '赵大明', id: OWN_ID, village: HOME });
    const checked = await validateRelative(t.app.deps, declarant, input({ name: ' 王德福 ', idNumber: REL_ID.toLowerCase() }), RULES);
    expect(checked).toEqual({ ok: true, value: { name: '王德福', relation: 'parent', assistanceType: 'dibao', villageCode: '220102001001', ...hashesOf(t.app, REL_ID) } });
    expect(JSON.stringify(checked)).not.toContain(REL_ID.slice(0, 17));
  });

  it('reports every missing field at once, with the shared keys', async () => {
    const { declarant } = await addDeclarant(t.app, { name: '赵二明', id: makeId('19800312', 43, '220102'), village: HOME });
    const checked = await validateRelative(t.app.deps, declarant, { name: '  ', relation: '', idNumber: ' ', place: {}, assistanceType: 'cash' }, RULES);
    expect(checked).toEqual({
      ok: false,
      errors: {
        name: 'declaration.errors.name_required',
        relation: 'declaration.errors.relation_required',
        assistance_type: 'declaration.errors.assistance_required',
        rel_village: 'declaration.errors.village_required',
        id_number: 'declaration.errors.id_required',
      },
    });
  });

  it('uses the rule for the name and the own-ID message, and refuses a bad number, a wrong village and a relative declared already', async () => {
    const other = makeId('19520101', 44, '220102');
    const { declarant } = await addDeclarant(t.app, { name: '赵三明', id: makeId('19800312', 45, '220102'), village: HOME }, [{ name: '钱秀英', id: other }]);
    const errorsOf = async (over: Partial<RelativeInput>) => {
      const checked = await validateRelative(t.app.deps, declarant, input(over), RULES);
      return checked.ok ? null : checked.errors;
    };
    expect(await errorsOf({ name: '王德福2' })).toEqual({ name: 'test.name_invalid' });
    expect(await errorsOf({ idNumber: makeId('19800312', 45, '220102') })).toEqual({ id_number: 'test.id_own' });
    expect(await errorsOf({ idNumber: other })).toEqual({ id_number: 'declaration.errors.id_duplicate' });
    expect(await errorsOf({ idNumber: breakCheck(REL_ID) })).toEqual({ id_number: 'declaration.errors.id_checksum' });
    expect(await errorsOf({ place: { ...PLACE, township: '220102002' } })).toEqual({ rel_village: 'declaration.errors.village_invalid' });
  });
});

describe('both callers', () => {
  it('the profile: its own name rule (40 characters, white space folded) and "this is your own number"', async () => {
    const user = staff.user;
    await addDeclarant(t.app, { name: '李春梅', id: makeId('19800312', 46, '220102'), village: HOME, userId: user.id });
    expect(await addRelative(t.app.deps, user, input({ name: '王'.repeat(41) }))).toEqual({ ok: false, errors: { name: 'declaration.errors.name_invalid' } });
    expect(await addRelative(t.app.deps, user, input({ idNumber: makeId('19800312', 46, '220102') }))).toEqual({ ok: false, errors: { id_number: 'declaration.errors.id_own' } });
    const added = await addRelative(t.app.deps, user, input({ name: '王  德福2' }));
    expect(added.ok).toBe(true);
    expect((await relativesOf(t.app.db, (await declarantOfUser(t.app.db, user.id))!.id)).map((r) => r.name)).toEqual(['王 德福2']);
    expect(await addRelative(t.app.deps, user, input())).toEqual({ ok: false, errors: { id_number: 'declaration.errors.id_duplicate' } });
  });

  it('a non-user declarant: the recipient lists\' name rule (Han spaces dropped) and "this is the declarant\'s own number"', async () => {
    const ctx = { user: staff.user } as unknown as StaffContext;
    const ownId = makeId('19800312', 47, '220102');
    const { declarant } = await addDeclarant(t.app, { name: '孙四明', id: ownId, village: HOME });
    expect(await addDeclarantRelative(t.app.deps, ctx, declarant, input({ name: '王德福2' }))).toEqual({ ok: false, errors: { name: 'crossChecks.errors.name_invalid' } });
    expect(await addDeclarantRelative(t.app.deps, ctx, declarant, input({ idNumber: ownId }))).toEqual({ ok: false, errors: { id_number: 'crossChecks.errors.relative_is_declarant' } });
    expect((await addDeclarantRelative(t.app.deps, ctx, declarant, input({ name: '王  德福' }))).ok).toBe(true);
    expect((await relativesOf(t.app.db, declarant.id)).map((r) => r.name)).toEqual(['王德福']);
    expect(await addDeclarantRelative(t.app.deps, ctx, declarant, input())).toEqual({ ok: false, errors: { id_number: 'declaration.errors.id_duplicate' } });
    expect(await dumpTable(t.app, 'declared_relatives')).not.toContain(REL_ID.slice(0, 17));
  });
});
