import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * The append-only event log (DESIGN.md §4). Each entry's MAC covers its content and the previous
 * entry's MAC under a key outside the database, so rewriting history needs the key.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** reporter | staff | system */
    actorType: text('actor_type').notNull(),
    actorId: integer('actor_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    result: text('result').notNull(),
    detail: text('detail'),
    prevMac: text('prev_mac').notNull(),
    mac: text('mac').notNull(),
  },
  (t) => [index('audit_object_idx').on(t.objectType, t.objectId), index('audit_actor_idx').on(t.actorType, t.actorId)],
);
