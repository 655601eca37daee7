// What a round's draw was made from, kept with the round so that anyone can replay it from its seed
// ("按种子复核抽取", issue 19 item 14): the scope, the candidates in the order the draw considered
// them with their weights, the seed, the numbers asked for and the algorithm's version. Pure: no
// database, no clock.
import crypto from 'node:crypto';
import { drawPlan, type Candidate, type Drawn } from './sampler.js';

/** The version of drawPlan the inputs were drawn with; a replay refuses any other. */
export const DRAW_ALGORITHM = 'spot-check-draw/1';

export interface DrawInputs {
  algorithm: string;
  /** The region drawn over (the unit's own or a restriction below it). */
  scope: string;
  seed: string;
  /** Townships asked for (the plan may hold fewer when there are fewer candidates). */
  count: number;
  /** Of them, asked for uniformly at random. */
  randomCount: number;
  /** [code, weight] in the order drawPlan considers them (code order). */
  candidates: [string, number][];
}

/** The inputs of a draw, candidates put in the order drawPlan considers them. */
export function drawInputs(scope: string, seed: string, count: number, randomCount: number, candidates: readonly Candidate[]): DrawInputs {
  const ordered = [...candidates].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { algorithm: DRAW_ALGORITHM, scope, seed, count, randomCount, candidates: ordered.map((c) => [c.code, c.weight]) };
}

/** Compact JSON with a fixed key order: the text stored, and hashed. */
export function serializeInputs(inputs: DrawInputs): string {
  const { algorithm, scope, seed, count, randomCount, candidates } = inputs;
  return JSON.stringify({ algorithm, scope, seed, count, randomCount, candidates });
}

/** SHA-256 (hex) of the stored text, as stored: any change to it changes the hash. */
export function hashInputs(stored: string): string {
  return crypto.createHash('sha256').update(stored, 'utf8').digest('hex');
}

/** The stored text read back, or null when it is not well-formed inputs (then it cannot be replayed). */
export function parseInputs(stored: string): DrawInputs | null {
  let v: unknown;
  try {
    v = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (typeof o.algorithm !== 'string' || typeof o.scope !== 'string' || typeof o.seed !== 'string' || !whole(o.count) || !whole(o.randomCount)) return null;
  if (!Array.isArray(o.candidates)) return null;
  for (const c of o.candidates) {
    if (!Array.isArray(c) || c.length !== 2 || typeof c[0] !== 'string' || typeof c[1] !== 'number') return null;
  }
  return { algorithm: o.algorithm, scope: o.scope, seed: o.seed, count: o.count, randomCount: o.randomCount, candidates: o.candidates as [string, number][] };
}

/** The draw made again from its inputs; throws a RangeError when drawPlan refuses them. */
export function redraw(inputs: DrawInputs): Drawn[] {
  return drawPlan(
    inputs.candidates.map(([code, weight]) => ({ code, weight })),
    { seed: inputs.seed, count: inputs.count, randomCount: inputs.randomCount },
  );
}
