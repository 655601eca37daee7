import { idNumberHashes, validateIdNumber } from '../disclosure/index.js';
import type { Deps } from '../shared/deps.js';
import type { PlaceValues } from '../regions/index.js';

/**
 * A declared ID number's keyed hashes — `hash` under the active crypto profile (id_hash), `alt`
 * under the other (id_hash_alt, issue 23) — or the message key saying why it was refused. Never the
 * number.
 */
export function hashIdNumber(deps: Pick<Deps, 'keys'>, raw: string): { hash: string; alt: string } | { error: string } {
  const checked = validateIdNumber(raw);
  if (!checked.ok) return { error: `declaration.errors.id_${checked.reason}` };
  const hashes = idNumberHashes(deps.keys['id-hash'], checked.normalized);
  return { hash: hashes.idHash, alt: hashes.idHashAlt };
}

export interface RelativeInput {
  name: string;
  relation: string;
  idNumber: string;
  place: PlaceValues;
  assistanceType: string;
}
