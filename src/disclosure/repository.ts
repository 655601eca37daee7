// Data access for rosters, postings and imports. Async and taking an Executor (the database or a
// transaction's tx, src/db/transaction.ts).
// Every list is keyset-paged on an index: (village_code, status, id), (county_code, status, id),
// (village_code, id) for postings, (posting_id, id) for entries.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { isRowId } from '../db/dialect.js';
import { postingEntries, postings, recipientImports, recipients } from './tables.js';
import { chunks } from '../db/chunks.js';

export type Recipient = typeof recipients.$inferSelect;
export type NewRecipient = typeof recipients.$inferInsert;
export type Posting = typeof postings.$inferSelect;
export type PostingEntry = typeof postingEntries.$inferSelect;
export type RecipientImport = typeof recipientImports.$inferSelect;

// --- imports -------------------------------------------------------------------------------

/** An earlier import of the same content (or the same bytes) into this township, newest first. */
export async function findEarlierImport(db: Executor, townshipCode: string, fingerprint: string, rowsFingerprint: string): Promise<RecipientImport | undefined> {
  return query(db, (q) =>
    q
      .select()
      .from(recipientImports)
      .where(and(eq(recipientImports.townshipCode, townshipCode), or(eq(recipientImports.rowsFingerprint, rowsFingerprint), eq(recipientImports.fingerprint, fingerprint))))
      .orderBy(desc(recipientImports.id))
      .get(),
  );
}

export async function insertImport(db: Executor, values: typeof recipientImports.$inferInsert): Promise<RecipientImport> {
  return query(db, (q) => q.insert(recipientImports).values(values).returning().get());
}

export async function recentImports(db: Executor, townshipCodes: readonly string[], limit = 10): Promise<RecipientImport[]> {
  return query(db, (q) => {
    if (townshipCodes.length === 0) return [];
    return q.select().from(recipientImports).where(inArray(recipientImports.townshipCode, [...townshipCodes])).orderBy(desc(recipientImports.id)).limit(limit).all();
  });
}

// --- recipients ----------------------------------------------------------------------------

/**
 * Rows read in chunks, in id order: without ORDER BY, PostgreSQL returns rows in the order they lie
 * in the table, which an update changes (SQLite's follow the index or the id); what other features
 * compute from a roster (the cross-checks' flags) must not depend on the engine.
 */
function inIdOrder<T extends { id: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.id - b.id);
}

/** Everyone ever listed in these villages (active and removed), in id order: a returning person keeps their row. */
export async function recipientsOfVillages(db: Executor, villageCodes: readonly string[]): Promise<Recipient[]> {
  return query(db, async (q) => {
    const rows: Recipient[] = [];
    for (const codes of chunks(villageCodes)) rows.push(...(await q.select().from(recipients).where(inArray(recipients.villageCode, codes)).all()));
    return inIdOrder(rows);
  });
}

export async function insertRecipients(db: Executor, rows: readonly NewRecipient[]): Promise<Recipient[]> {
  return query(db, async (q) => {
    const inserted: Recipient[] = [];
    for (const part of chunks(rows, 200)) inserted.push(...(await q.insert(recipients).values(part).returning().all()));
    return inserted;
  });
}

export async function updateRecipient(db: Executor, id: number, patch: Partial<NewRecipient>): Promise<void> {
  await query(db, (q) => q.update(recipients).set(patch).where(eq(recipients.id, id)).run());
}

export async function recipientsByIds(db: Executor, ids: readonly number[]): Promise<Recipient[]> {
  return query(db, async (q) => {
    const rows: Recipient[] = [];
    for (const part of chunks([...new Set(ids)])) rows.push(...(await q.select().from(recipients).where(inArray(recipients.id, part)).all()));
    return rows;
  });
}

/** The keyed ID hash of a recipient (an objection's subject, for recusal), or null when there is no such recipient. */
export async function recipientIdHash(db: Executor, id: number): Promise<string | null> {
  // From a link anyone can edit: an id beyond PostgreSQL's integer ids names no one (src/db/dialect.ts).
  if (!isRowId(id)) return null;
  return (await query(db, (q) => q.select({ idHash: recipients.idHash }).from(recipients).where(eq(recipients.id, id)).get()))?.idHash ?? null;
}

/** A village's current recipients after `afterId`, in id order (recipients_village_idx). */
export async function villageRoster(db: Executor, villageCode: string, afterId: number, limit: number): Promise<Recipient[]> {
  return query(db, (q) =>
    q
      .select()
      .from(recipients)
      .where(and(eq(recipients.villageCode, villageCode), eq(recipients.status, 'active'), gt(recipients.id, afterId)))
      .orderBy(asc(recipients.id))
      .limit(limit)
      .all(),
  );
}

/** A county's current recipients after `afterId`, in id order (recipients_county_idx): as fast on page 10,000 as on page 1. */
export async function countyRoster(db: Executor, countyCode: string, afterId: number, limit: number): Promise<Recipient[]> {
  return query(db, (q) =>
    q
      .select()
      .from(recipients)
      .where(and(eq(recipients.countyCode, countyCode), eq(recipients.status, 'active'), gt(recipients.id, afterId)))
      .orderBy(asc(recipients.id))
      .limit(limit)
      .all(),
  );
}

/** Current recipients per village (each count reads one range of recipients_village_idx). */
export async function activeCounts(db: Executor, villageCodes: readonly string[]): Promise<Map<string, number>> {
  return query(db, async (q) => {
    const out = new Map<string, number>();
    for (const code of villageCodes) {
      const row = await q.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients WHERE village_code = ${code} AND status = 'active'`);
      if (row && row.n > 0) out.set(code, row.n);
    }
    return out;
  });
}

export async function activeCountInCounty(db: Executor, countyCode: string): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients WHERE county_code = ${countyCode} AND status = 'active'`)))?.n ?? 0;
}

// --- postings ------------------------------------------------------------------------------

export async function insertPosting(db: Executor, values: typeof postings.$inferInsert): Promise<Posting> {
  return query(db, (q) => q.insert(postings).values(values).returning().get());
}

export async function insertEntries(db: Executor, rows: readonly (typeof postingEntries.$inferInsert)[]): Promise<void> {
  return query(db, async (q) => {
    for (const part of chunks(rows, 200)) await q.insert(postingEntries).values(part).run();
  });
}

/** Postings of a village open on `today` (公示中), newest first. */
export async function openPostings(db: Executor, villageCode: string, today: string): Promise<Posting[]> {
  return query(db, (q) =>
    q
      .select()
      .from(postings)
      .where(and(eq(postings.villageCode, villageCode), lte(postings.startsOn, today), gte(postings.endsOn, today)))
      .orderBy(desc(postings.id))
      .all(),
  );
}

/** Postings of a village that ended before `today`, newest first, before the posting `beforeId` (null: from the newest). */
export async function pastPostings(db: Executor, villageCode: string, today: string, beforeId: number | null, limit: number): Promise<Posting[]> {
  return query(db, (q) =>
    q
      .select()
      .from(postings)
      .where(and(eq(postings.villageCode, villageCode), lt(postings.endsOn, today), beforeId === null ? undefined : lt(postings.id, beforeId)))
      .orderBy(desc(postings.id))
      .limit(limit)
      .all(),
  );
}

/** Open postings in a county (postings_county_idx), newest first. */
export async function openPostingsInCounty(db: Executor, countyCode: string, today: string, limit: number): Promise<Posting[]> {
  return query(db, (q) =>
    q
      .select()
      .from(postings)
      .where(and(eq(postings.countyCode, countyCode), gte(postings.endsOn, today), lte(postings.startsOn, today)))
      .orderBy(desc(postings.id))
      .limit(limit)
      .all(),
  );
}

/** The villages among these with a posting open on `today`. */
export async function villagesWithOpenPosting(db: Executor, villageCodes: readonly string[], today: string): Promise<Set<string>> {
  return query(db, async (q) => {
    const out = new Set<string>();
    for (const part of chunks(villageCodes)) {
      const rows = await q
        .selectDistinct({ code: postings.villageCode })
        .from(postings)
        .where(and(inArray(postings.villageCode, part), lte(postings.startsOn, today), gte(postings.endsOn, today)))
        .all();
      for (const r of rows) out.add(r.code);
    }
    return out;
  });
}

export async function postingsOfImport(db: Executor, importId: number): Promise<Posting[]> {
  return query(db, (q) => q.select().from(postings).where(eq(postings.importId, importId)).orderBy(asc(postings.id)).all());
}

/** The entries of these postings, grouped by posting, each group in id order. */
export async function entriesOf(db: Executor, postingIds: readonly number[]): Promise<Map<number, PostingEntry[]>> {
  return query(db, async (q) => {
    const out = new Map<number, PostingEntry[]>();
    for (const part of chunks(postingIds)) {
      const rows = await q.select().from(postingEntries).where(inArray(postingEntries.postingId, part)).orderBy(asc(postingEntries.postingId), asc(postingEntries.id)).all();
      for (const r of rows) {
        const list = out.get(r.postingId);
        if (list) list.push(r);
        else out.set(r.postingId, [r]);
      }
    }
    return out;
  });
}

/** One posting by id. */
export async function postingById(db: Executor, id: number): Promise<Posting | undefined> {
  return query(db, (q) => q.select().from(postings).where(eq(postings.id, id)).get());
}

export interface EntryCounts {
  new: number;
  changed: number;
  removed: number;
}

/** New, changed and removed entries of each of these postings (one range of posting_entries_posting_idx each). */
export async function entryCounts(db: Executor, postingIds: readonly number[]): Promise<Map<number, EntryCounts>> {
  return query(db, async (q) => {
    const out = new Map<number, EntryCounts>();
    for (const part of chunks([...new Set(postingIds)])) {
      const rows = await q
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
  });
}

/** A posting's entries after the entry `afterId`, in id order (keyset on posting_entries_posting_idx). */
export async function postingEntriesPage(db: Executor, postingId: number, afterId: number, limit: number): Promise<PostingEntry[]> {
  return query(db, (q) =>
    q
      .select()
      .from(postingEntries)
      .where(and(eq(postingEntries.postingId, postingId), gt(postingEntries.id, afterId)))
      .orderBy(asc(postingEntries.id))
      .limit(limit)
      .all(),
  );
}

/** The place of the entry `entryId` in its posting, counting from 1 (an index-only range count). */
export async function entryPosition(db: Executor, postingId: number, entryId: number): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM posting_entries WHERE posting_id = ${postingId} AND id <= ${entryId}`)))?.n ?? 0;
}

export async function countRecipients(db: Executor): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM recipients`)))?.n ?? 0;
}

// --- what the cross-checks read (src/cross-checks/run.ts) ------------------------------------

/** The current recipients of these villages, in id order. */
export async function activeRecipientsOfVillages(db: Executor, villageCodes: readonly string[]): Promise<Recipient[]> {
  return query(db, async (q) => {
    const rows: Recipient[] = [];
    for (const codes of chunks(villageCodes)) rows.push(...(await q.select().from(recipients).where(and(inArray(recipients.villageCode, codes), eq(recipients.status, 'active'))).all()));
    return inIdOrder(rows);
  });
}

/**
 * Condition: a roster row of a person with one of these ID hashes, under either profile (id_hash or
 * id_hash_alt, issue 23): any hash of the row equals any of `hashes`.
 */
function withAnyHash(hashes: readonly string[]) {
  return or(inArray(recipients.idHash, hashes), inArray(recipients.idHashAlt, hashes))!;
}

function uniqueById<T extends { id: number }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

/** The current recipients with these ID hashes (either column; in any village), in id order. */
export async function activeRecipientsWithHashes(db: Executor, hashes: readonly string[]): Promise<Recipient[]> {
  return query(db, async (q) => {
    const rows: Recipient[] = [];
    for (const part of chunks([...new Set(hashes)])) rows.push(...(await q.select().from(recipients).where(and(withAnyHash(part), eq(recipients.status, 'active'))).all()));
    return inIdOrder(uniqueById(rows));
  });
}

/** Ids of the roster entries, current or removed, of the people with these ID hashes (the cross-checks' recusal). */
export async function recipientIdsWithHashes(db: Executor, hashes: readonly string[]): Promise<number[]> {
  return query(db, async (q) => {
    const ids: number[] = [];
    for (const part of chunks([...new Set(hashes)])) for (const r of await q.select({ id: recipients.id }).from(recipients).where(withAnyHash(part)).all()) ids.push(r.id);
    return [...new Set(ids)];
  });
}

/** Inserts recipients, skipping any that would break a unique index (the demo's fill-up rows). */
export async function insertRecipientsIfNew(db: Executor, rows: readonly NewRecipient[]): Promise<void> {
  if (rows.length === 0) return;
  await query(db, (q) => q.insert(recipients).values([...rows]).onConflictDoNothing().run());
}

/**
 * Every ID hash of the roster rows (current or removed) of the people with one of these hashes: an
 * objection's report carries its recipient's id_hash, which recusal finds through this (issue 23).
 */
export async function recipientHashesSharing(db: Executor, hashes: readonly string[]): Promise<string[]> {
  return query(db, async (q) => {
    const out = new Set<string>();
    for (const part of chunks([...new Set(hashes)])) {
      for (const r of await q.select({ idHash: recipients.idHash, idHashAlt: recipients.idHashAlt }).from(recipients).where(withAnyHash(part)).all()) {
        out.add(r.idHash);
        if (r.idHashAlt) out.add(r.idHashAlt);
      }
    }
    return [...out];
  });
}

/**
 * Condition: a row hashed only under the intl profile (HMAC-SHA256, not `sm3:`…) with no hash under
 * the other: imported before both were kept (issue 23). Such a row matches rows made since (they
 * carry the HMAC-SHA256 hash as well), but no SM hash; a re-import of its list gives it both.
 */
const OLD_ONLY = sql`${recipients.idHashAlt} is null and ${recipients.idHash} not like 'sm3:%'`;

/** Active roster entries hashed only under HMAC-SHA256 (start-up warns under SM, src/startup.ts). */
export async function countIntlIdHashes(db: Executor): Promise<number> {
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(recipients).where(and(eq(recipients.status, 'active'), OLD_ONLY)).get());
  return Number(row?.n ?? 0);
}

/** Active roster entries hashed only under HMAC-SHA256, by township (each township's roster is one list). */
export async function oldOnlyIdHashesByTownship(db: Executor): Promise<{ townshipCode: string; entries: number }[]> {
  const rows = await query(db, (q) =>
    q
      .select({ townshipCode: recipients.townshipCode, n: sql<number>`count(*)` })
      .from(recipients)
      .where(and(eq(recipients.status, 'active'), OLD_ONLY))
      .groupBy(recipients.townshipCode)
      .orderBy(asc(recipients.townshipCode))
      .all(),
  );
  return rows.map((r) => ({ townshipCode: r.townshipCode, entries: Number(r.n) }));
}
