// Data access for rosters, postings and imports. Synchronous and taking an Executor (the database
// or a transaction), as better-sqlite3 transactions are synchronous (src/db/executor.ts).
// Every list is keyset-paged on an index: (village_code, status, id), (county_code, status, id),
// (village_code, id) for postings, (posting_id, id) for entries.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { postingEntries, postings, recipientImports, recipients } from './tables.js';
import { chunks } from '../db/chunks.js';

export type Recipient = typeof recipients.$inferSelect;
export type NewRecipient = typeof recipients.$inferInsert;
export type Posting = typeof postings.$inferSelect;
export type PostingEntry = typeof postingEntries.$inferSelect;
export type RecipientImport = typeof recipientImports.$inferSelect;


// --- imports -------------------------------------------------------------------------------

/** An earlier import of the same content (or the same bytes) into this township, newest first. */
export function findEarlierImport(db: Executor, townshipCode: string, fingerprint: string, rowsFingerprint: string): RecipientImport | undefined {
  return db
    .select()
    .from(recipientImports)
    .where(and(eq(recipientImports.townshipCode, townshipCode), or(eq(recipientImports.rowsFingerprint, rowsFingerprint), eq(recipientImports.fingerprint, fingerprint))))
    .orderBy(desc(recipientImports.id))
    .get();
}

export function insertImport(db: Executor, values: typeof recipientImports.$inferInsert): RecipientImport {
  return db.insert(recipientImports).values(values).returning().get();
}

export function recentImports(db: Executor, townshipCodes: readonly string[], limit = 10): RecipientImport[] {
  if (townshipCodes.length === 0) return [];
  return db.select().from(recipientImports).where(inArray(recipientImports.townshipCode, [...townshipCodes])).orderBy(desc(recipientImports.id)).limit(limit).all();
}

// --- recipients ----------------------------------------------------------------------------

/** Everyone ever listed in these villages (active and removed): a returning person keeps their row. */
export function recipientsOfVillages(db: Executor, villageCodes: readonly string[]): Recipient[] {
  return chunks(villageCodes).flatMap((codes) => db.select().from(recipients).where(inArray(recipients.villageCode, codes)).all());
}

export function insertRecipients(db: Executor, rows: readonly NewRecipient[]): Recipient[] {
  return chunks(rows, 200).flatMap((part) => db.insert(recipients).values(part).returning().all());
}

export function updateRecipient(db: Executor, id: number, patch: Partial<NewRecipient>): void {
  db.update(recipients).set(patch).where(eq(recipients.id, id)).run();
}

export function recipientsByIds(db: Executor, ids: readonly number[]): Recipient[] {
  return chunks([...new Set(ids)]).flatMap((part) => db.select().from(recipients).where(inArray(recipients.id, part)).all());
}

/** A village's current recipients after `afterId`, in id order (recipients_village_idx). */
export function villageRoster(db: Executor, villageCode: string, afterId: number, limit: number): Recipient[] {
  return db
    .select()
    .from(recipients)
    .where(and(eq(recipients.villageCode, villageCode), eq(recipients.status, 'active'), gt(recipients.id, afterId)))
    .orderBy(asc(recipients.id))
    .limit(limit)
    .all();
}

/** A county's current recipients after `afterId`, in id order (recipients_county_idx): as fast on page 10,000 as on page 1. */
export function countyRoster(db: Executor, countyCode: string, afterId: number, limit: number): Recipient[] {
  return db
    .select()
    .from(recipients)
    .where(and(eq(recipients.countyCode, countyCode), eq(recipients.status, 'active'), gt(recipients.id, afterId)))
    .orderBy(asc(recipients.id))
    .limit(limit)
    .all();
}

/** Current recipients per village (each count reads one range of recipients_village_idx). */
export function activeCounts(db: Executor, villageCodes: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const code of villageCodes) {
    const row = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients WHERE village_code = ${code} AND status = 'active'`);
    if (row && row.n > 0) out.set(code, row.n);
  }
  return out;
}

export function activeCountInCounty(db: Executor, countyCode: string): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients WHERE county_code = ${countyCode} AND status = 'active'`)?.n ?? 0;
}

// --- postings ------------------------------------------------------------------------------

export function insertPosting(db: Executor, values: typeof postings.$inferInsert): Posting {
  return db.insert(postings).values(values).returning().get();
}

export function insertEntries(db: Executor, rows: readonly (typeof postingEntries.$inferInsert)[]): void {
  for (const part of chunks(rows, 200)) db.insert(postingEntries).values(part).run();
}

/** Postings of a village open on `today` (公示中), newest first. */
export function openPostings(db: Executor, villageCode: string, today: string): Posting[] {
  return db
    .select()
    .from(postings)
    .where(and(eq(postings.villageCode, villageCode), lte(postings.startsOn, today), gte(postings.endsOn, today)))
    .orderBy(desc(postings.id))
    .all();
}

/** Postings of a village that ended before `today`, newest first, before the posting `beforeId`. */
export function pastPostings(db: Executor, villageCode: string, today: string, beforeId: number, limit: number): Posting[] {
  return db
    .select()
    .from(postings)
    .where(and(eq(postings.villageCode, villageCode), lt(postings.endsOn, today), lt(postings.id, beforeId)))
    .orderBy(desc(postings.id))
    .limit(limit)
    .all();
}

/** Open postings in a county (postings_county_idx), newest first. */
export function openPostingsInCounty(db: Executor, countyCode: string, today: string, limit: number): Posting[] {
  return db
    .select()
    .from(postings)
    .where(and(eq(postings.countyCode, countyCode), gte(postings.endsOn, today), lte(postings.startsOn, today)))
    .orderBy(desc(postings.id))
    .limit(limit)
    .all();
}

/** The villages among these with a posting open on `today`. */
export function villagesWithOpenPosting(db: Executor, villageCodes: readonly string[], today: string): Set<string> {
  const out = new Set<string>();
  for (const part of chunks(villageCodes)) {
    const rows = db
      .selectDistinct({ code: postings.villageCode })
      .from(postings)
      .where(and(inArray(postings.villageCode, part), lte(postings.startsOn, today), gte(postings.endsOn, today)))
      .all();
    for (const r of rows) out.add(r.code);
  }
  return out;
}

export function postingsOfImport(db: Executor, importId: number): Posting[] {
  return db.select().from(postings).where(eq(postings.importId, importId)).orderBy(asc(postings.id)).all();
}

/** The entries of these postings, grouped by posting, each group in id order. */
export function entriesOf(db: Executor, postingIds: readonly number[]): Map<number, PostingEntry[]> {
  const out = new Map<number, PostingEntry[]>();
  for (const part of chunks(postingIds)) {
    const rows = db.select().from(postingEntries).where(inArray(postingEntries.postingId, part)).orderBy(asc(postingEntries.postingId), asc(postingEntries.id)).all();
    for (const r of rows) {
      const list = out.get(r.postingId);
      if (list) list.push(r);
      else out.set(r.postingId, [r]);
    }
  }
  return out;
}

/** One posting by id. */
export function postingById(db: Executor, id: number): Posting | undefined {
  return db.select().from(postings).where(eq(postings.id, id)).get();
}

export interface EntryCounts {
  new: number;
  changed: number;
  removed: number;
}

/** New, changed and removed entries of each of these postings (one range of posting_entries_posting_idx each). */
export function entryCounts(db: Executor, postingIds: readonly number[]): Map<number, EntryCounts> {
  const out = new Map<number, EntryCounts>();
  for (const part of chunks([...new Set(postingIds)])) {
    const rows = db
      .select({ postingId: postingEntries.postingId, change: postingEntries.change, n: sql<number>`count(*)` })
      .from(postingEntries)
      .where(inArray(postingEntries.postingId, part))
      .groupBy(postingEntries.postingId, postingEntries.change)
      .all();
    for (const r of rows) {
      const counts = out.get(r.postingId) ?? { new: 0, changed: 0, removed: 0 };
      if (r.change === 'new' || r.change === 'changed' || r.change === 'removed') counts[r.change] += r.n;
      out.set(r.postingId, counts);
    }
  }
  return out;
}

/** A posting's entries after the entry `afterId`, in id order (keyset on posting_entries_posting_idx). */
export function postingEntriesPage(db: Executor, postingId: number, afterId: number, limit: number): PostingEntry[] {
  return db
    .select()
    .from(postingEntries)
    .where(and(eq(postingEntries.postingId, postingId), gt(postingEntries.id, afterId)))
    .orderBy(asc(postingEntries.id))
    .limit(limit)
    .all();
}

/** The place of the entry `entryId` in its posting, counting from 1 (an index-only range count). */
export function entryPosition(db: Executor, postingId: number, entryId: number): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM posting_entries WHERE posting_id = ${postingId} AND id <= ${entryId}`)?.n ?? 0;
}

export function countRecipients(db: Executor): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients`)?.n ?? 0;
}

// --- what the cross-checks read (src/cross-checks/run.ts) ------------------------------------

export function activeRecipientsOfVillages(db: Executor, villageCodes: readonly string[]): Recipient[] {
  return chunks(villageCodes).flatMap((codes) => db.select().from(recipients).where(and(inArray(recipients.villageCode, codes), eq(recipients.status, 'active'))).all());
}

export function activeRecipientsWithHashes(db: Executor, hashes: readonly string[]): Recipient[] {
  return chunks([...new Set(hashes)]).flatMap((part) => db.select().from(recipients).where(and(inArray(recipients.idHash, part), eq(recipients.status, 'active'))).all());
}

/** Inserts recipients, skipping any that would break a unique index (the demo's fill-up rows). */
export function insertRecipientsIfNew(db: Executor, rows: readonly NewRecipient[]): void {
  if (rows.length > 0) db.insert(recipients).values([...rows]).onConflictDoNothing().run();
}
