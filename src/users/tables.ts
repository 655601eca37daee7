import { table, text, integer, blob, index, timestamp } from '../db/schema.js';

/** Staff accounts. Each belongs to one unit; roles say what they may do there (DESIGN.md §4). */
export const users = table(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    unitId: integer('unit_id').notNull(),
    /** Comma-separated roles: administrator, intake, handler, lead, supervisor, inspector, custodian. */
    roles: text('roles').notNull(),
    email: text('email').notNull(),
    /** A village the user lives in: reports placed there are hidden from them (recusal). */
    homeVillageCode: text('home_village_code'),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at').notNull(),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(true),
    /** TOTP secret, encrypted under the identity key with context `totp:<id>`. */
    totpSealed: blob('totp_sealed', { mode: 'buffer' }),
    totpEnabled: integer('totp_enabled', { mode: 'boolean' }).notNull().default(false),
    /** The last accepted TOTP time step, so a code cannot be replayed. */
    totpLastStep: integer('totp_last_step'),
    /** JSON array of HMACs of unused recovery codes. */
    recoveryCodes: text('recovery_codes'),
    /** JSON array of the hashes of the last five passwords before the current one (no reuse, issue 15). */
    passwordHistory: text('password_history'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: timestamp('created_at').notNull(),
    lastLoginAt: timestamp('last_login_at'),
    /** The language of the user's e-mails ('zh-CN' | 'ko' | 'en'); null means the site default (SUNSHINE_DEFAULT_LOCALE). */
    locale: text('locale'),
    /**
     * A mainland mobile number for work texts (issue 24), set by the user on their profile; a work
     * contact like the e-mail address, not a reporter's identity, so kept as the address is.
     */
    mobile: text('mobile'),
    /** How notices reach the user: 'email', 'sms' or 'both' (SMS only with a mobile number). */
    noticeChannel: text('notice_channel').notNull().default('email'),
  },
  (t) => [index('users_unit_idx').on(t.unitId)],
);

/**
 * A second-factor reset asked by one security administrator and approved (or refused) by another,
 * or by the system administrator where only one security administrator exists (issue 15): a reset
 * lets its maker enrol a new authenticator, so no one does it alone.
 */
export const secondFactorResets = table(
  'second_factor_resets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull(),
    requestedBy: integer('requested_by').notNull(),
    requestedAt: timestamp('requested_at').notNull(),
    reason: text('reason').notNull(),
    /** pending | approved | refused | withdrawn */
    status: text('status').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at'),
  },
  (t) => [index('second_factor_resets_user_idx').on(t.userId, t.status)],
);
