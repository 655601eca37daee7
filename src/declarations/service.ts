// Near-relative declarations (近亲属备案) on a user's own profile. ID numbers are validated, turned
// into the keyed hash at once and dropped: never stored, logged, audited or shown back. The users
// row's home village follows the declaration's, so recusal by place (src/reports/casework/recusal.ts)
// and by name + township use the same village. A changed declaration is cross-checked against the
// recipient rosters at once, in the same transaction (issue 7).
import { withTransaction } from '../db/transaction.js';
import { declarationsChanged } from './events.js';
import { sharesIdHash } from '../disclosure/index.js';
import { hashIdNumber, type RelativeInput } from './id-hash.js';
import { record } from '../audit/index.js';
import { isPosition } from './vocab.js';
import { checkVillage, type PlaceValues } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { updateUser, type User } from '../users/index.js';
import * as repo from './repository.js';
import type { FieldErrors, Outcome, RelativeRules } from './relative-validation.js';
import { addCheckedRelative } from './relatives.js';

export type { FieldErrors, Outcome };

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
 * alone may be saved; once declared it is required. An empty ID number keeps the one registered.
 *
 * What would lift a recusal is not the holder's to change (security review, session 10): a home
 * village on file is neither cleared nor replaced here (the system administrator changes it on the
 * account page — another person, audited), and an ID number on file is not replaced by another.
 * A first village or number only adds recusal and is saved at once.
 */
export async function saveDeclaration(deps: Deps, user: User, input: DeclarationInput, now = Date.now()): Promise<Outcome<{ declared: boolean; created: boolean }>> {
  const { db } = deps;
  const existing = await repo.declarantOfUser(db, user.id);
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
  const onFile = existing?.homeVillageCode ?? user.homeVillageCode ?? null;
  if (onFile !== null && !errors.home_village && village !== onFile) errors.home_village = 'declaration.errors.village_locked';
  if (declaring && !isPosition(input.position)) errors.position = 'declaration.errors.position_required';
  let idHash: string | null = null;
  let idHashAlt: string | null = null;
  if (idRaw !== '') {
    const hashed = hashIdNumber(deps, idRaw);
    if ('error' in hashed) errors.id_number = hashed.error;
    else if (existing && !sharesIdHash({ idHash: hashed.hash, idHashAlt: hashed.alt }, existing)) errors.id_number = 'declaration.errors.id_locked';
    else [idHash, idHashAlt] = [hashed.hash, hashed.alt];
  } else if (declaring && !existing) {
    errors.id_number = 'declaration.errors.id_required';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const auditKey = deps.keys['audit-mac'];
  const actor = { type: 'staff', id: user.id } as const;
  if (!declaring) {
    await withTransaction(db, async (tx) => {
      await updateUser(tx, user.id, { homeVillageCode: village });
      await record(tx, auditKey, { actor, action: 'user.home_village_update', object: { type: 'user', id: user.id }, detail: { cleared: village === null } }, now);
    });
    return { ok: true, value: { declared: false, created: false } };
  }

  const homeVillageCode = village!;
  const fields = { name: user.displayName, position: input.position, homeVillageCode, unitId: user.unitId, updatedAt: now };
  const created = await withTransaction(db, async (tx) => {
    let row: { id: number };
    if (existing) {
      await repo.updateDeclarant(tx, existing.id, { ...fields, ...(idHash ? { idHash, idHashAlt } : {}) });
      row = existing;
    } else {
      row = await repo.insertDeclarant(tx, { ...fields, userId: user.id, idHash: idHash!, idHashAlt });
    }
    await updateUser(tx, user.id, { homeVillageCode });
    await record(
      tx,
      auditKey,
      {
        actor,
        action: 'declaration.update',
        object: { type: 'declarant', id: row.id },
        // Whether things changed, never what they are: no ID number, name or place.
        detail: {
          created: !existing,
          idNumber: idHash ? (existing ? (sharesIdHash({ idHash, idHashAlt }, existing) ? 'same' : 'replaced') : 'set') : 'kept',
          homeVillageChanged: existing ? existing.homeVillageCode !== homeVillageCode : user.homeVillageCode !== homeVillageCode,
        },
      },
      now,
    );
    await declarationsChanged({ db: tx, keys: deps.keys }, [row.id], now);
    return !existing;
  });
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
  const declarant = await repo.declarantOfUser(deps.db, user.id);
  if (!declarant) return { ok: false, errors: { form: 'declaration.errors.declare_first' } };
  return addCheckedRelative(deps, declarant, input, PROFILE_RELATIVE_RULES, { actorId: user.id, action: 'declaration.relative_add' }, now);
}

// A user no longer removes her own relative at once (that lifted recusal unseen, issue 19 item 4):
// she asks, and the supervising unit decides (removals.ts).
