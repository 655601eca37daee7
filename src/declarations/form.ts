// The forms of a near-relative declaration (the declarant's own fields, and one relative) as posted
// and as shown again, on the profile (src/declarations) and for the bureau's non-user declarants
// (src/cross-checks). Input comes back with its messages; the ID number never does: the person is
// asked to type it again.
import { placeValues, type PlacePicker, type PlaceValues } from '../regions/index.js';
import type { RelativeInput } from './id-hash.js';
import { textField } from '../shared/form-fields.js';

export interface FormState {
  /** Text and select values to show again (never the ID number). */
  values: Record<string, string>;
  place: PlaceValues;
  /** Field name → message key. */
  errors: Record<string, string>;
  /** The form came back and its ID number field was filled: ask for it again. */
  retypeId: boolean;
}


/**
 * A form as posted: the text fields named in `fields` (each cut to its length), the place of the
 * picker whose selects are named `<placePrefix>_<level>`, and the ID number, which is handed back
 * apart and never kept in the state.
 */
export function postedForm(body: Record<string, unknown>, fields: Record<string, number>, placePrefix: string): { state: FormState; idNumber: string } {
  const idNumber = textField(body, 'id_number', 40);
  const values: Record<string, string> = {};
  for (const [name, max] of Object.entries(fields)) values[name] = textField(body, name, max);
  return { idNumber, state: { values, place: placeValues(body, placePrefix), errors: {}, retypeId: idNumber.trim() !== '' } };
}

/** The relative form (name, relation, kind of assistance, village `rel_*`, ID number): its state and the service's input. */
export function postedRelative(body: Record<string, unknown>): { state: FormState; input: RelativeInput } {
  const { state, idNumber } = postedForm(body, { name: 100, relation: 40, assistance_type: 40 }, 'rel');
  const v = state.values;
  return { state, input: { name: v.name ?? '', relation: v.relation ?? '', idNumber, place: state.place, assistanceType: v.assistance_type ?? '' } };
}

/**
 * What a form's template needs: values, errors and their summary in the page's field order (each
 * linking to `field-<name>` unless `anchors` names another element), the retype notice and the picker.
 */
export function formContext(state: FormState, picker: PlacePicker, fieldOrder: readonly string[], anchors: Record<string, string> = {}) {
  const errorList = Object.entries(state.errors)
    .sort(([a], [b]) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b))
    .map(([field, key]) => ({ field, key, anchor: anchors[field] ?? `field-${field}` }));
  return { values: state.values, errors: state.errors, errorList, hasErrors: errorList.length > 0, retypeId: state.retypeId, picker };
}
