// Near-relative declarations (近亲属备案) on a user's own profile. ID numbers are validated, turned
// into the keyed hash at once and dropped: never stored, logged, audited or shown back. The users
// row's home village follows the declaration's, so recusal by place (src/casework/recusal.ts)
// and by name + township use the same village.
import { hashIdNumber, type RelativeInput } from './id-hash.js';
// run.js, not cross-checks/index.ts: the index loads the cross-check routes, which import this
// feature's index, and that cycle would read RELATIONS before it is initialised.
import { runCrossChecks } from '../cross-checks/run.js';
import { record } from '../audit/index.js';
import { isPosition } from '../reports/index.js';
import { checkVillage, type PlaceValues } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { updateUser, type User } from '../users/index.js';
import * as repo from './repository.js';
import { validateRelative, type RelativeRules } from './relative-validation.js';

/** Field name → message key. */
export type FieldErrors = Record<string, string>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const NAME_MAX = 40;

export interface DeclarationInput {
  place: PlaceValues;
  position: string;
  /** As typed; empty keeps the registered number. */
  idNumber: string;
}

export type { RelativeInput };


function cleanName(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Saves the user's home village and, when they declare (an ID number or position given, or a
 * declaration already on file), their own declaration. Without a declaration the home village
 * alone may be saved or cleared; once declared it is required. An empty ID number keeps the one
 * registered.
 */
export async function saveDeclaration(deps: Deps, user: User, input: DeclarationInput, now = Date.now()): Promise<Outcome<{ declared: boolean; created: boolean }>> {
  const { db } = deps;
  const existing = repo.declarantOfUser(db, user.id);
  const idRaw = input.idNumber.trim();
  const declaring = existing !== undefined || idRaw !== '' || input.position !== '';
  const errors: FieldErrors = {};

  let village: string | null = null;
  const anyPlace = Object.values(input.place).some(Boolean);
  if (declaring || anyPlace) {
    const place = await checkVillage(db, input.place);
    if (place.ok) village = place.code;
    else errors.home_village = place.reason === 'required' ? 'declaration.errors.village_required' : 'declaration.errors.village_invalid';
  }
  if (declaring && !isPosition(input.position)) errors.position = 'declaration.errors.position_required';
  let idHash: string | null = null;
  if (idRaw !== '') {
    const hashed = hashIdNumber(deps, idRaw);
    if ('error' in hashed) errors.id_number = hashed.error;
    else idHash = hashed.hash;
  } else if (declaring && !existing) {
    errors.id_number = 'declaration.errors.id_required';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const auditKey = deps.keys['audit-mac'];
  const actor = { type: 'staff', id: user.id } as const;
  if (!declaring) {
    db.transaction((tx) => {
      updateUser(tx, user.id, { homeVillageCode: village });
      record(tx, auditKey, { actor, action: 'user.home_village_update', object: { type: 'user', id: user.id }, detail: { cleared: village === null } }, now);
    });
    return { ok: true, value: { declared: false, created: false } };
  }

  const homeVillageCode = village!;
  const fields = { name: user.displayName, position: input.position, homeVillageCode, unitId: user.unitId, updatedAt: now };
  const created = db.transaction((tx) => {
    const row = existing
      ? (repo.updateDeclarant(tx, existing.id, { ...fields, ...(idHash ? { idHash } : {}) }), existing)
      : repo.insertDeclarant(tx, { ...fields, userId: user.id, idHash: idHash! });
    updateUser(tx, user.id, { homeVillageCode });
    record(
      tx,
      auditKey,
      {
        actor,
        action: 'declaration.update',
        object: { type: 'declarant', id: row.id },
        // Whether things changed, never what they are: no ID number, name or place.
        detail: {
          created: !existing,
          idNumber: idHash ? (existing ? (idHash === existing.idHash ? 'same' : 'replaced') : 'set') : 'kept',
          homeVillageChanged: existing ? existing.homeVillageCode !== homeVillageCode : user.homeVillageCode !== homeVillageCode,
        },
      },
      now,
    );
    return !existing;
  });
  recheck(deps, user, now);
  return { ok: true, value: { declared: true, created } };
}

/** The profile's name rule: folded white space, at most NAME_MAX characters, no control characters. */
const PROFILE_RELATIVE_RULES: RelativeRules = {
  readName(raw) {
    const name = cleanName(raw);
    return [...name].length > NAME_MAX || /\p{Cc}/u.test(name) ? null : name;
  },
  nameInvalid: 'declaration.errors.name_invalid',
  ownId: 'declaration.errors.id_own',
};

/** Adds one close relative to the user's declaration (which must exist). */
export async function addRelative(deps: Deps, user: User, input: RelativeInput, now = Date.now()): Promise<Outcome<{ id: number }>> {
  const { db } = deps;
  const declarant = repo.declarantOfUser(db, user.id);
  if (!declarant) return { ok: false, errors: { form: 'declaration.errors.declare_first' } };
  const checked = await validateRelative(deps, declarant, input, PROFILE_RELATIVE_RULES);
  if (!checked.ok) return checked;

  const { relation, assistanceType } = checked.value;
  const row = db.transaction((tx) => {
    const inserted = repo.insertRelative(tx, { declarantId: declarant.id, ...checked.value });
    repo.updateDeclarant(tx, declarant.id, { updatedAt: now });
    record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'declaration.relative_add', object: { type: 'declared_relative', id: inserted.id }, detail: { declarant: declarant.id, relation, assistanceType } }, now);
    return inserted;
  });
  recheck(deps, user, now);
  return { ok: true, value: { id: row.id } };
}

/** Removes one of the user's own declared relatives; false when it is not theirs (the route answers 404). */
export function removeRelative(deps: Deps, user: User, relativeId: number, now = Date.now()): boolean {
  const { db } = deps;
  const declarant = repo.declarantOfUser(db, user.id);
  if (!declarant || !Number.isSafeInteger(relativeId) || relativeId <= 0) return false;
  const removed = db.transaction((tx) => {
    if (!repo.deleteRelative(tx, declarant.id, relativeId)) return false;
    repo.updateDeclarant(tx, declarant.id, { updatedAt: now });
    record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: user.id }, action: 'declaration.relative_remove', object: { type: 'declared_relative', id: relativeId }, detail: { declarant: declarant.id } }, now);
    return true;
  });
  if (removed) recheck(deps, user, now);
  return removed;
}

/** A changed declaration is cross-checked against the recipient rosters at once (issue 7). */
function recheck(deps: Deps, user: User, now: number): void {
  const declarant = repo.declarantOfUser(deps.db, user.id);
  if (declarant) runCrossChecks(deps, { declarantIds: [declarant.id] }, now);
}
