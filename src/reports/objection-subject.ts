// An objection (对此有异议) is filed from a public list's entry and is about that recipient. The
// recipient's keyed ID hash goes onto the report so recusal can hide it from a declarant of that
// person (issue 19 item 4). Disclosure owns the rosters and depends on reports, so reports does not
// import it: disclosure provides the lookup here when it loads. Without a provider no hash is set.
import type { Executor } from '../db/executor.js';
import { isRowId } from '../db/dialect.js';

/** The keyed ID hash of the listed recipient with this id, or null (no such entry, or no hash). */
export type ObjectionSubjectLookup = (db: Executor, entryId: number) => Promise<string | null>;

let lookup: ObjectionSubjectLookup | null = null;

/** Called by src/disclosure when it loads; a later call replaces the earlier one. */
export function provideObjectionSubjects(provider: ObjectionSubjectLookup): void {
  lookup = provider;
}

/** The ID hash an objection's report carries, or null. */
export async function objectionSubjectIdHash(db: Executor, entryId: number | null | undefined): Promise<string | null> {
  if (!lookup || !entryId || !isRowId(entryId)) return null;
  return (await lookup(db, entryId)) || null;
}
