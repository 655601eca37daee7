// Checking one declared close relative, for a user's own declaration (src/declarations/service.ts)
// and for a non-user declarant entered by the bureau (src/cross-checks/declarants-service.ts). The
// checks and their order are the same; each feature brings its own name rule and the message for
// a relative given the declarant's own ID number. The ID number is validated and hashed here and
// dropped: only the keyed hash leaves this module.
import { sharesIdHash, type IdHashes } from '../disclosure/index.js';
import { checkVillage } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { hashIdNumber, type RelativeInput } from './id-hash.js';
import * as repo from './repository.js';
import { isAssistanceType, isRelation, type AssistanceType, type Relation } from './vocab.js';

/** Field name → message key. */
export type FieldErrors = Record<string, string>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** What differs between the features that declare relatives. */
export interface RelativeRules {
  /** The name as stored, or null when the feature's name rule refuses it (an empty name never gets here). */
  readName(raw: string): string | null;
  /** Message key for a name `readName` refuses. */
  nameInvalid: string;
  /** Message key for a relative given the declarant's own ID number. */
  ownId: string;
}

/** A relative ready to be stored: checked vocabulary, a village that exists and the ID number's hash. */
export interface ValidRelative {
  name: string;
  relation: Relation;
  assistanceType: AssistanceType;
  villageCode: string;
  idHash: string;
  idHashAlt: string;
}

/**
 * Checks a relative of `declarant`: name (required, then the feature's rule), relation, kind of
 * assistance, village, and an ID number that is valid, not the declarant's own and not declared
 * for them already. All failures are reported together, keyed by form field.
 */
export async function validateRelative(
  deps: Pick<Deps, 'db' | 'keys'>,
  declarant: { id: number } & IdHashes,
  input: RelativeInput,
  rules: RelativeRules,
): Promise<Outcome<ValidRelative>> {
  const { db } = deps;
  const errors: FieldErrors = {};
  let name: string | null = null;
  if (input.name.trim() === '') errors.name = 'declaration.errors.name_required';
  else if ((name = rules.readName(input.name)) === null) errors.name = rules.nameInvalid;
  if (!isRelation(input.relation)) errors.relation = 'declaration.errors.relation_required';
  if (!isAssistanceType(input.assistanceType)) errors.assistance_type = 'declaration.errors.assistance_required';
  const place = await checkVillage(db, input.place);
  if (!place.ok) errors.rel_village = place.reason === 'required' ? 'declaration.errors.village_required' : 'declaration.errors.village_invalid';
  let hashes: { idHash: string; idHashAlt: string } | null = null;
  if (input.idNumber.trim() === '') errors.id_number = 'declaration.errors.id_required';
  else {
    const hashed = hashIdNumber(deps, input.idNumber);
    // Compared under both profiles (issue 23): a declaration kept from before a switch still counts.
    const candidate = 'error' in hashed ? null : { idHash: hashed.hash, idHashAlt: hashed.alt };
    if ('error' in hashed) errors.id_number = hashed.error;
    else if (sharesIdHash(candidate!, declarant)) errors.id_number = rules.ownId;
    else if ((await repo.relativesOf(db, declarant.id)).some((r) => sharesIdHash(candidate!, r))) errors.id_number = 'declaration.errors.id_duplicate';
    else hashes = candidate;
  }
  if (Object.keys(errors).length > 0 || name === null || !place.ok || hashes === null || !isRelation(input.relation) || !isAssistanceType(input.assistanceType)) {
    return { ok: false, errors };
  }
  return { ok: true, value: { name, relation: input.relation, assistanceType: input.assistanceType, villageCode: place.code, ...hashes } };
}
