// The declaration forms as posted and as shown again, shared by the profile and the bureau's
// non-user declarants: input kept, the ID number handed back apart and never in the state.
import { describe, expect, it } from 'vitest';
import { formContext, postedForm, postedRelative } from '../../src/declarations/index.js';

const PICKER = { prefix: 'rel', error: undefined, prefectures: [], counties: [], townships: [], villages: [] };

describe('declaration forms', () => {
  it('reads the named fields cut to their lengths, the place and the ID number apart', () => {
    const { state, idNumber } = postedForm({ name: '王'.repeat(120), position: 'village_cadre', id_number: ' 220102 ', home_village: '220102001001', extra: 'x' }, { name: 100, position: 40 }, 'home');
    expect(idNumber).toBe(' 220102 ');
    expect(state).toEqual({ values: { name: '王'.repeat(100), position: 'village_cadre' }, place: { village: '220102001001' }, errors: {}, retypeId: true });
    expect(JSON.stringify(state)).not.toContain('220102 ');
  });

  it('reads a relative as the service takes it; a repeated or missing field is empty', () => {
    const { state, input } = postedRelative({ name: ['甲', '乙'], relation: 'parent', id_number: '', rel_prefecture: '220100' });
    expect(input).toEqual({ name: '', relation: 'parent', idNumber: '', place: { prefecture: '220100' }, assistanceType: '' });
    expect(state).toEqual({ values: { name: '', relation: 'parent', assistance_type: '' }, place: { prefecture: '220100' }, errors: {}, retypeId: false });
  });

  it('lists errors in the page order, linking to the field or to the anchor named', () => {
    const state = { values: {}, place: {}, errors: { id_number: 'k.id', name: 'k.name', form: 'k.form' }, retypeId: false };
    const ctx = formContext(state, PICKER, ['form', 'name', 'id_number'], { id_number: 'field-rel_id_number' });
    expect(ctx.errorList).toEqual([
      { field: 'form', key: 'k.form', anchor: 'field-form' },
      { field: 'name', key: 'k.name', anchor: 'field-name' },
      { field: 'id_number', key: 'k.id', anchor: 'field-rel_id_number' },
    ]);
    expect(ctx.hasErrors).toBe(true);
    expect(ctx.picker).toBe(PICKER);
  });
});
