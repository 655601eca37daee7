import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** 明查暗访 ("四不两直"): a planned round of checks, drawn reproducibly from its stored seed (issue 7). */
export const spotCheckRounds = table('spot_check_rounds', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The inspecting unit: the only one that sees the plan. */
  unitId: integer('unit_id').notNull(),
  name: text('name').notNull(),
  seed: text('seed').notNull(),
  townshipCount: integer('township_count').notNull(),
  /** How many of the townships are drawn uniformly; the rest are weighted toward flagged places. */
  randomCount: integer('random_count').notNull(),
  createdBy: integer('created_by').notNull(),
  createdAt: timestamp('created_at').notNull(),
  /**
   * The draw's inputs as compact JSON (sampler.ts DrawInputs: algorithm, scope, seed, counts, the
   * candidates with their weights in the order the draw considered them), so the round can be
   * replayed from its seed. NULL for a round drawn before they were kept (migration 0016).
   */
  drawInputs: text('draw_inputs'),
  /** SHA-256 (hex) of draw_inputs as stored at draw time; also in the round_planned audit entry. */
  drawInputsHash: text('draw_inputs_hash'),
});

export const spotCheckTargets = table(
  'spot_check_targets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id').notNull(),
    townshipCode: text('township_code').notNull(),
    /** random | weighted */
    drawnBy: text('drawn_by').notNull(),
    weight: integer('weight').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('spot_check_targets_unique').on(t.roundId, t.townshipCode)],
);

/** One check on site: postings, roster, hotline answered during duty hours, cases checked, findings. */
export const spotChecks = table(
  'spot_checks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id').notNull(),
    targetId: integer('target_id'),
    townshipCode: text('township_code').notNull(),
    villageCode: text('village_code'),
    checkedOn: text('checked_on').notNull(),
    postingOk: integer('posting_ok', { mode: 'boolean' }),
    rosterOk: integer('roster_ok', { mode: 'boolean' }),
    hotlineCalledAt: text('hotline_called_at'),
    hotlineAnswered: integer('hotline_answered', { mode: 'boolean' }),
    /** The number called, as listed when the check was recorded; NULL: not a listed number, or recorded before 0016. */
    hotlinePhone: text('hotline_phone'),
    /** That number's listed duty hours (free text) when the check was recorded, which the call is judged against. */
    hotlineDutyHours: text('hotline_duty_hours'),
    casesChecked: text('cases_checked'),
    findings: text('findings'),
    ledgerItemId: integer('ledger_item_id'),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('spot_checks_round_idx').on(t.roundId)],
);
