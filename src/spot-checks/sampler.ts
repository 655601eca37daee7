// The draw of a spot-check round (明查暗访, issue 7): "随机抽取或重点选择" — part of the townships
// drawn uniformly at random, the rest weighted toward places with many reports, overdue cases,
// substantiated findings or stale rosters. Pure: the same candidates, weights and seed always give
// the same plan, so a stored seed lets anyone re-check a round. No Math.random anywhere.
import crypto from 'node:crypto';

/** What the weighting looks at, per township (see service.signalsAt for where each is counted). */
export interface Signals {
  /** Reports placed in the township within the look-back window (merged duplicates not counted). */
  reports: number;
  /** Open reports whose current clock is past due (dueOn < today, status not an end state). */
  overdue: number;
  /** Reports within the window concluded 属实 or 部分属实. */
  substantiated: number;
  /** Villages with a roster (active recipients) but no posting within the stale period. */
  staleVillages: number;
}

/** Weight points added when any village of the township has a stale roster. */
export const STALE_ROSTER_POINTS = 3;

/**
 * weight = 1 + reports + 2 × overdue + 2 × substantiated + 3 if any village's roster is stale.
 * Every township starts at 1, so an unflagged one can still be drawn in the weighted part; an
 * overdue case or a substantiated finding counts on top of the report it belongs to.
 */
export function townshipWeight(s: Signals): number {
  return 1 + s.reports + 2 * s.overdue + 2 * s.substantiated + (s.staleVillages > 0 ? STALE_ROSTER_POINTS : 0);
}

export interface Candidate {
  code: string;
  /** A positive, finite number (townshipWeight gives whole numbers ≥ 1). */
  weight: number;
}

export type DrawnBy = 'random' | 'weighted';

export interface Drawn {
  code: string;
  drawnBy: DrawnBy;
  weight: number;
  /** 1-based order of the draw. */
  position: number;
}

export interface DrawOptions {
  seed: string;
  /** How many townships in all (capped at the number of candidates). */
  count: number;
  /** How many of them uniformly at random, drawn first (capped at `count`). */
  randomCount: number;
}

/**
 * A stream of uniform floats in [0, 1) from the seed: the n-th value is the top 53 bits of
 * HMAC-SHA256(key = seed, message = "spot-check-draw:n").
 */
export function seededUniform(seed: string): () => number {
  let counter = 0;
  return () => {
    const mac = crypto.createHmac('sha256', seed).update(`spot-check-draw:${counter}`).digest();
    counter += 1;
    return Number(mac.readBigUInt64BE(0) >> 11n) / 2 ** 53;
  };
}

/**
 * Draws without replacement: first `randomCount` uniformly, then the rest with probability
 * proportional to weight among those not yet drawn. Candidates are put in code order first, so the
 * order they arrive in does not change the plan.
 */
export function drawPlan(candidates: readonly Candidate[], options: DrawOptions): Drawn[] {
  if (options.seed.length === 0) throw new RangeError('a seed is required');
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError('count must be a whole number ≥ 0');
  if (!Number.isInteger(options.randomCount) || options.randomCount < 0) throw new RangeError('randomCount must be a whole number ≥ 0');
  const pool = [...candidates].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i]!;
    if (!(Number.isFinite(c.weight) && c.weight > 0)) throw new RangeError(`weight of ${c.code} must be positive`);
    if (i > 0 && pool[i - 1]!.code === c.code) throw new RangeError(`candidate ${c.code} given twice`);
  }
  const total = Math.min(options.count, pool.length);
  const uniformCount = Math.min(options.randomCount, total);
  const next = seededUniform(options.seed);
  const plan: Drawn[] = [];
  const take = (index: number, drawnBy: DrawnBy) => {
    const [c] = pool.splice(index, 1);
    plan.push({ code: c!.code, drawnBy, weight: c!.weight, position: plan.length + 1 });
  };
  for (let i = 0; i < uniformCount; i++) take(Math.floor(next() * pool.length), 'random');
  while (plan.length < total) {
    const sum = pool.reduce((acc, c) => acc + c.weight, 0);
    let x = next() * sum;
    let index = pool.length - 1; // rounding can leave x just above the last cumulative sum
    for (let i = 0; i < pool.length; i++) {
      x -= pool[i]!.weight;
      if (x < 0) {
        index = i;
        break;
      }
    }
    take(index, 'weighted');
  }
  return plan;
}
