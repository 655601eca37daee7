import { table, text, integer, index, timestamp } from '../db/schema.js';

/** Server-side sessions, so that a copied cookie can be revoked (sign-out, disable, password change). */
export const sessions = table(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    expiresAt: timestamp('expires_at').notNull(),
    /** The staff user signed in on this session, for "sign out everywhere" and single-session rules. */
    userId: integer('user_id'),
    data: text('data').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);
