// Which lists still carry ID-number hashes of the intl profile alone (issue 23). Every ID number is
// now hashed under both crypto profiles and matched under either, so rows imported before both were
// kept (HMAC-SHA256 only) still raise flags and recusals; but under SUNSHINE_CRYPTO=sm the switch is
// complete only when each such list has been imported again. The flags page names them by township:
// its roster (the township's recipient list) and its declaration list (declarants at home there, with
// their relatives). Counts only — no person, hash or village.
import type { Db } from '../db/connection.js';
import { declarationOldIdHashesByTownship } from '../declarations/index.js';
import { rosterOldIdHashesByTownship } from '../disclosure/index.js';
import { findRegions } from '../regions/index.js';
import { activeProfile } from '../shared/crypto/index.js';
import { codesWithin } from './scope.js';

export interface ListWithOldHashes {
  township: string;
  /** Active roster entries of the township hashed only under HMAC-SHA256. */
  rosterEntries: number;
  /** Declared people (declarants at home in the township and their relatives) hashed only so. */
  declarationEntries: number;
}

/** The townships within `regionCodes` whose lists still carry only intl hashes; none under intl. */
export async function listsWithOldHashes(db: Db, regionCodes: readonly string[]): Promise<ListWithOldHashes[]> {
  if (activeProfile() !== 'sm' || regionCodes.length === 0) return [];
  const rosters = await rosterOldIdHashesByTownship(db);
  const declarations = await declarationOldIdHashesByTownship(db);
  const codes = [...new Set([...rosters, ...declarations].map((r) => r.townshipCode))];
  if (codes.length === 0) return [];
  const inScope = await codesWithin(db, codes, regionCodes);
  const names = new Map((await findRegions(db, [...inScope])).map((r) => [r.code, r.name]));
  const count = (rows: { townshipCode: string; entries: number }[], code: string) => rows.find((r) => r.townshipCode === code)?.entries ?? 0;
  return codes
    .filter((code) => inScope.has(code))
    .sort()
    .map((code) => ({ township: names.get(code) ?? code, rosterEntries: count(rosters, code), declarationEntries: count(declarations, code) }));
}
