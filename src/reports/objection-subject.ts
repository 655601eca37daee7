// An objection (对此有异议) is filed from a public list's entry and is about that recipient. The
// recipient's keyed ID hash goes onto the report so recusal can hide it from a declarant of that
// person (issue 19 item 4). Disclosure owns the rosters and depends on reports, so reports does not
// import it: disclosure provides the lookup here when it loads. Without a provider no hash is set.
//
// The report keeps the recipient's id_hash, made under the crypto profile of its roster import. A
// roster row carries its person's hash under the other profile as well (id_hash_alt, issue 23), and
// a declaration from before a switch may carry only the other one: recusal therefore widens a
// declared person's hashes to every hash of the roster rows that share one (`sameSubjectHashes`), so
// a report about an objection still reaches the declarant after a switch of profile.
import type { Executor } from '../db/executor.js';
import { isRowId } from '../db/dialect.js';

/** The keyed ID hash of the listed recipient with this id, or null (no such entry, or no hash). */
export type ObjectionSubjectLookup = (db: Executor, entryId: number) => Promise<string | null>;

/** Every ID hash of the roster rows sharing one of `hashes` (under either crypto profile). */
export type SubjectHashesLookup = (db: Executor, hashes: readonly string[]) => Promise<string[]>;

let lookup: ObjectionSubjectLookup | null = null;
let sharing: SubjectHashesLookup | null = null;

/** Called by src/disclosure when it loads; a later call replaces the earlier one. */
export function provideObjectionSubjects(provider: ObjectionSubjectLookup, hashesSharing?: SubjectHashesLookup): void {
  lookup = provider;
  sharing = hashesSharing ?? null;
}

/**
 * `hashes` with every ID hash an objection's report could carry for the same people: the hashes of
 * the roster rows that share one of them (issue 23). Just `hashes` without a provider.
 */
export async function sameSubjectHashes(db: Executor, hashes: readonly string[]): Promise<string[]> {
  const own = [...new Set(hashes.filter((h) => !!h))];
  if (!sharing || own.length === 0) return own;
  return [...new Set([...own, ...(await sharing(db, own))])];
}

/** The ID hash an objection's report carries, or null. */
export async function objectionSubjectIdHash(db: Executor, entryId: number | null | undefined): Promise<string | null> {
  if (!lookup || !entryId || !isRowId(entryId)) return null;
  return (await lookup(db, entryId)) || null;
}
