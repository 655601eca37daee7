// Non-user declarants (village cadres, assistance handlers who have no account) entered by the
// county bureau or the township by form: the declarant with position, own ID number and home
// village, and their relatives one by one. Same rules and messages as the profile declaration
// (src/declarations/service.ts): ID numbers are validated, hashed at once and dropped. Every change
// re-runs the cross-checks for that declarant in the same transaction.
import { record } from '../audit/index.js';
import { parseName, sharesIdHash } from '../disclosure/index.js';
import {
  relativesOfDeclarants,
  declarantsWithHashes,
  addCheckedRelative,
  hashIdNumber,
  insertDeclarant,
  isPosition,
  removeDeclaredRelative,
  updateDeclarant,
  type FieldErrors,
  type Outcome,
  type RelativeInput,
  type RelativeRules,
} from '../declarations/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { checkVillage, type PlaceValues, type Region } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import * as repo from './repository.js';
import { withTransaction } from '../db/transaction.js';
import { runCrossChecksIn } from './run.js';
import { codeWithin } from './scope.js';

export interface DeclarantInput {
  name: string;
  position: string;
  /** As typed; empty keeps the registered number when editing. */
  idNumber: string;
  place: PlaceValues;
}

export type { RelativeInput };

function readName(raw: string, requiredKey: string): { name: string } | { error: string } {
  if (raw.trim() === '') return { error: requiredKey };
  const name = parseName(raw);
  return name ? { name } : { error: 'crossChecks.errors.name_invalid' };
}

/** Creates (existing undefined) or updates a non-user declarant of the region. */
export async function saveDeclarant(deps: Deps, staff: StaffContext, region: Region, existing: repo.Declarant | undefined, input: DeclarantInput, now = Date.now()): Promise<Outcome<{ id: number }>> {
  const { db } = deps;
  const errors: FieldErrors = {};
  const name = readName(input.name, 'crossChecks.errors.name_required');
  if ('error' in name) errors.name = name.error;
  if (!isPosition(input.position)) errors.position = 'declaration.errors.position_required';
  const place = await checkVillage(db, input.place);
  let village: string | null = null;
  if (!place.ok) errors.home_village = place.reason === 'required' ? 'declaration.errors.village_required' : 'declaration.errors.village_invalid';
  else if (!(await codeWithin(db, place.code, [region.code]))) errors.home_village = 'crossChecks.errors.village_outside';
  else village = place.code;
  let hashes: { idHash: string; idHashAlt: string } | null = null;
  if (input.idNumber.trim() !== '') {
    const hashed = hashIdNumber(deps, input.idNumber);
    // Compared under both crypto profiles (issue 23): a declaration from before a switch still counts.
    const candidate = 'error' in hashed ? null : { idHash: hashed.hash, idHashAlt: hashed.alt };
    if ('error' in hashed) errors.id_number = hashed.error;
    else if ((await declarantsWithHashes(db, [hashed.hash, hashed.alt])).some((d) => d.id !== existing?.id)) errors.id_number = 'crossChecks.errors.id_on_file';
    else if (existing && (await relativesOfDeclarants(db, [existing.id])).some((r) => sharesIdHash(r, candidate!))) errors.id_number = 'crossChecks.errors.id_is_relative';
    else hashes = candidate;
  } else if (!existing) errors.id_number = 'declaration.errors.id_required';
  if (Object.keys(errors).length > 0 || 'error' in name || !village || !isPosition(input.position)) return { ok: false, errors };

  const fields = { name: name.name, position: input.position, homeVillageCode: village, updatedAt: now };
  const id = await withTransaction(db, async (tx) => {
    let id: number;
    if (existing) {
      id = existing.id;
      await updateDeclarant(tx, id, { ...fields, ...(hashes ?? {}) });
    } else {
      id = (await insertDeclarant(tx, { ...fields, userId: null, ...hashes!, unitId: staff.unit.id })).id;
    }
    await record(tx, deps.keys['audit-mac'], {
      actor: { type: 'staff', id: staff.user.id },
      action: existing ? 'cross_check.declarant_update' : 'cross_check.declarant_create',
      object: { type: 'declarant', id },
      // Whether things changed, never what they are.
      detail: { idNumber: hashes ? (existing ? (sharesIdHash(hashes, existing) ? 'same' : 'replaced') : 'set') : 'kept', homeVillageChanged: existing ? existing.homeVillageCode !== village : null },
    }, now);
    await runCrossChecksIn(tx, deps.keys, { declarantIds: [id] }, now);
    return id;
  });
  return { ok: true, value: { id } };
}

/** The name rule of the recipient lists (parseName), and this feature's message for the declarant's own ID number. */
const DECLARANT_RELATIVE_RULES: RelativeRules = {
  readName: parseName,
  nameInvalid: 'crossChecks.errors.name_invalid',
  ownId: 'crossChecks.errors.relative_is_declarant',
};

/** Adds a relative to a non-user declarant (the relative may live anywhere in the province). */
export async function addDeclarantRelative(deps: Deps, staff: StaffContext, declarant: repo.Declarant, input: RelativeInput, now = Date.now()): Promise<Outcome<{ id: number }>> {
  return addCheckedRelative(deps, declarant, input, DECLARANT_RELATIVE_RULES, { actorId: staff.user.id, action: 'cross_check.relative_add' }, now);
}

/** Removes a relative of a non-user declarant; false when it is not theirs. */
export async function removeDeclarantRelative(deps: Deps, staff: StaffContext, declarant: repo.Declarant, relativeId: number, now = Date.now()): Promise<boolean> {
  return removeDeclaredRelative(deps, declarant.id, relativeId, { actorId: staff.user.id, action: 'cross_check.relative_remove' }, now);
}
