import { table, text, integer, index, timestamp } from '../db/schema.js';

/**
 * The append-only event log (DESIGN.md §4). Each entry's MAC covers its content and the previous
 * entry's MAC under a key outside the database, so rewriting history needs the key.
 */
export const auditLog = table(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: timestamp('at').notNull(),
    /** reporter | staff | system */
    actorType: text('actor_type').notNull(),
    actorId: integer('actor_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    result: text('result').notNull(),
    detail: text('detail'),
    /**
     * Staff only (等保 8.1.4.3: who, from which terminal): JSON { ip, ua } of the staff request that
     * made the entry. Never set for a reporter or the system (DESIGN.md §4: no reporter address).
     */
    terminal: text('terminal'),
    prevMac: text('prev_mac').notNull(),
    mac: text('mac').notNull(),
  },
  (t) => [index('audit_object_idx').on(t.objectType, t.objectId), index('audit_actor_idx').on(t.actorType, t.actorId)],
);

/**
 * Monthly archives of the audit log (issue 15): entries older than the online period are moved to a
 * file in DATA_DIR/audit-archive whose chain continues the live one. Each row records where the
 * archived run ends (last id, last MAC, count) and a MAC over the row, so deleting the newest
 * archive or live entries after it cannot go unseen: the live chain must continue the last archive.
 */
export const auditArchives = table('audit_archives', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The calendar month archived, China time, e.g. 2026-05. */
  month: text('month').notNull().unique(),
  firstId: integer('first_id').notNull(),
  lastId: integer('last_id').notNull(),
  entryCount: integer('entry_count').notNull(),
  /** The MAC of the entry before the first archived one (GENESIS_MAC for the first archive). */
  startMac: text('start_mac').notNull(),
  lastMac: text('last_mac').notNull(),
  fileName: text('file_name').notNull(),
  fileSha256: text('file_sha256').notNull(),
  createdAt: timestamp('created_at').notNull(),
  /** HMAC (audit key) over the fields above. */
  mac: text('mac').notNull(),
});
