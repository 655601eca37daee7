import { idNumberHash, validateIdNumber } from '../disclosure/index.js';
import type { Deps } from '../shared/deps.js';
import type { PlaceValues } from '../regions/index.js';

/** A declared ID number's keyed hash, or the message key saying why it was refused. Never the number. */
export function hashIdNumber(deps: Pick<Deps, 'keys'>, raw: string): { hash: string } | { error: string } {
  const checked = validateIdNumber(raw);
  if (!checked.ok) return { error: `declaration.errors.id_${checked.reason}` };
  return { hash: idNumberHash(deps.keys['id-hash'], checked.normalized) };
}

export interface RelativeInput {
  name: string;
  relation: string;
  idNumber: string;
  place: PlaceValues;
  assistanceType: string;
}
