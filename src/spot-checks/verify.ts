// 按种子复核抽取: a round's draw made again from the inputs stored with it, beside the list that was
// stored, and whether those inputs are still the ones hashed at draw time (issue 19 item 14).
import { entriesFor, record } from '../audit/index.js';
import type { Deps } from '../shared/deps.js';
import { findRegions } from '../regions/index.js';
import * as repo from './repository.js';
import { DRAW_ALGORITHM, hashInputs, parseInputs, redraw, type DrawInputs } from './draw-inputs.js';
import type { Drawn } from './sampler.js';

interface Line {
  code: string;
  drawnBy: string;
  weight: number;
}

export type InputsCheck =
  /** The hash of the stored inputs equals the one stored at draw time (and the audit entry's, if still in the live log). */
  | 'intact'
  /** The stored inputs, the seed or the hash were changed since the draw. */
  | 'changed';

export type Verification =
  /** Drawn before the inputs were kept (the column is NULL): the round cannot be replayed. */
  | { status: 'no_inputs' }
  /** The stored inputs are not readable, or were drawn by an algorithm this version does not have. */
  | { status: 'unreadable' | 'unknown_algorithm'; inputs: InputsCheck; algorithm?: string }
  | {
      status: 'replayed';
      /** The replayed list equals the stored one, township by township, in order. */
      same: boolean;
      inputs: InputsCheck;
      /** 一致 only when both hold. */
      consistent: boolean;
      /** Whether the audit entry of the planning still carried a hash to compare (an archived log does not). */
      auditHashSeen: boolean;
      draw: DrawInputs;
      rows: { position: number; stored: (Line & { name: string }) | null; replayed: (Line & { name: string }) | null; same: boolean }[];
    };

/** The hash the round_planned audit entry carries, if the entry is still in the live log. */
async function auditedHash(deps: Pick<Deps, 'db'>, roundId: number): Promise<string | null> {
  const entry = (await entriesFor(deps.db, 'spot_check_round', String(roundId))).find((e) => e.action === 'spot_check.round_planned');
  if (!entry?.detail) return null;
  try {
    const detail = JSON.parse(entry.detail) as { inputsHash?: unknown };
    return typeof detail.inputsHash === 'string' ? detail.inputsHash : null;
  } catch {
    return null;
  }
}

/** Replays the round's draw from its stored inputs; compares with the stored targets. Reads only. */
export async function verifyDraw(deps: Pick<Deps, 'db'>, round: repo.Round): Promise<Verification> {
  if (round.drawInputs === null) return { status: 'no_inputs' };
  const audited = await auditedHash(deps, round.id);
  const hash = hashInputs(round.drawInputs);
  const draw = parseInputs(round.drawInputs);
  const intact = hash === round.drawInputsHash && (audited === null || audited === hash) && draw !== null && draw.seed === round.seed;
  const inputs: InputsCheck = intact ? 'intact' : 'changed';
  if (draw === null) return { status: 'unreadable', inputs };
  if (draw.algorithm !== DRAW_ALGORITHM) return { status: 'unknown_algorithm', inputs, algorithm: draw.algorithm };
  let replayed: Drawn[];
  try {
    replayed = redraw(draw);
  } catch {
    // drawPlan refuses the inputs (a weight not positive, a township twice): they were not these at draw time.
    return { status: 'unreadable', inputs };
  }
  const stored = await repo.targetRowsOf(deps.db, round.id);
  const codes = [...new Set([...stored.map((t) => t.townshipCode), ...replayed.map((d) => d.code)])];
  const names = new Map((await findRegions(deps.db, codes)).map((r) => [r.code, r.name]));
  const named = (l: Line) => ({ ...l, name: names.get(l.code) ?? l.code });
  const rows = Array.from({ length: Math.max(stored.length, replayed.length) }, (_, i) => {
    const s = stored[i];
    const r = replayed[i];
    const a = s ? named({ code: s.townshipCode, drawnBy: s.drawnBy, weight: s.weight }) : null;
    const b = r ? named({ code: r.code, drawnBy: r.drawnBy, weight: r.weight }) : null;
    return { position: i + 1, stored: a, replayed: b, same: a !== null && b !== null && a.code === b.code && a.drawnBy === b.drawnBy && a.weight === b.weight && s!.position === r!.position };
  });
  const same = rows.every((r) => r.same);
  return { status: 'replayed', same, inputs, consistent: same && intact, auditHashSeen: audited !== null, draw, rows };
}

/** verifyDraw, with an audit entry saying who checked the round and what came out (no places). */
export async function verifyDrawAudited(deps: Pick<Deps, 'db' | 'keys'>, staffUserId: number, round: repo.Round, now = Date.now()): Promise<Verification> {
  const result = await verifyDraw(deps, round);
  const detail =
    result.status === 'replayed'
      ? { status: result.status, consistent: result.consistent, same: result.same, inputs: result.inputs }
      : { status: result.status, ...('inputs' in result ? { inputs: result.inputs } : {}) };
  await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'staff', id: staffUserId }, action: 'spot_check.draw_verified', object: { type: 'spot_check_round', id: round.id }, detail }, now);
  return result;
}
