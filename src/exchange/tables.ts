import { table, text, integer, blob, index, uniqueIndex, primaryKey, timestamp } from '../db/schema.js';

/**
 * A partner system allowed to use the exchange API (a 12345 hotline platform, a 信访 system).
 * Its secret signs its requests (HMAC) and our webhooks to it; kept sealed under a key derived for
 * the exchange (keys.ts), never in clear. `publicKey` (Ed25519, PEM) replaces the HMAC for its requests.
 */
export const exchangePartners = table('exchange_partners', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** What the partner sends in X-Sunshine-Partner: a-z 0-9 - _, up to 40 characters. */
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  /** JSON array of unit keys (ca:220102 …): work orders of those units and the units they supervise. */
  scopes: text('scopes').notNull(),
  /** The shared secret, sealed (context `exchange-partner:<key>`). */
  secretSealed: blob('secret_sealed', { mode: 'buffer' }).notNull(),
  /** An Ed25519 public key (SPKI PEM): when set, requests are signed with it instead of the secret. */
  publicKey: text('public_key'),
  /** Where status events go (https, or http on a private network); none: no webhooks. */
  webhookUrl: text('webhook_url'),
  /** Requests per minute, counted across app nodes. */
  requestsPerMinute: integer('requests_per_minute').notNull().default(120),
  /** Work-order uploads it may have in flight at once, counted across app nodes (exchange_uploads). */
  uploadsAtOnce: integer('uploads_at_once').notNull().default(4),
  /** Set by `exchange:partner --disable`: its signed requests are refused and no webhook goes to it. */
  disabledAt: timestamp('disabled_at'),
  createdAt: timestamp('created_at').notNull(),
});

/** Request nonces seen, kept until their timestamp window has passed: a replay inside it is refused. */
export const exchangeNonces = table(
  'exchange_nonces',
  {
    partnerId: integer('partner_id').notNull(),
    nonce: text('nonce').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.nonce] }), index('exchange_nonces_expires_idx').on(t.expiresAt)],
);

/**
 * A work order (工单/来文) a partner sent, by its own number: the idempotency key is partner + number.
 * `contentHash` is the SHA-256 of what was sent (fields and attachments), so a repeat with other
 * content is refused, never merged. `lastStatus` is the report status last turned into an event.
 */
export const exchangeWorkOrders = table(
  'exchange_work_orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partnerId: integer('partner_id').notNull(),
    workOrderNo: text('work_order_no').notNull(),
    contentHash: text('content_hash').notNull(),
    /** Null while the first request is filing it (or if that request died: a same-content repeat files it). */
    reportId: integer('report_id'),
    lastStatus: text('last_status'),
    /** Status events made for it so far (each delivery's seq). */
    eventCount: integer('event_count').notNull().default(0),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('exchange_work_orders_partner_no_idx').on(t.partnerId, t.workOrderNo), index('exchange_work_orders_report_idx').on(t.reportId)],
);

/**
 * Outbound status events, one row each, delivered in `seq` order per work order: a later one waits
 * until the one before it is delivered. A delivery that keeps failing is a dead letter (`deadAt`)
 * until staff retry it. `nextAttemptAt` is also the claim: a sender moves it forward before sending.
 */
export const exchangeDeliveries = table(
  'exchange_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partnerId: integer('partner_id').notNull(),
    workOrderId: integer('work_order_id').notNull(),
    seq: integer('seq').notNull(),
    /** The event as sent (JSON): work order number, case number, status, previous status, time. */
    payload: text('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at'),
    deadAt: timestamp('dead_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('exchange_deliveries_order_idx').on(t.workOrderId, t.seq), index('exchange_deliveries_due_idx').on(t.deliveredAt, t.nextAttemptAt), index('exchange_deliveries_dead_idx').on(t.deadAt)],
);

/**
 * A work-order upload in flight: one row per request between its signature check and its answer,
 * so a partner's concurrent uploads are counted across app nodes (they share the database). The
 * node holding it moves `expiresAt` on while the upload runs; a row left by a node that died lapses.
 */
export const exchangeUploads = table(
  'exchange_uploads',
  {
    token: text('token').primaryKey(),
    partnerId: integer('partner_id').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('exchange_uploads_partner_idx').on(t.partnerId, t.expiresAt)],
);
