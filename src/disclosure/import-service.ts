// A township's recipient list, from upload to roster: parse and validate all of it (nothing is
// imported unless every row is valid), compare with the roster of each village in the file, then
// in one transaction open a posting per changed village, update the roster and audit the import.
import { record, type Actor } from '../audit/index.js';
import { todayInChina, type IsoDate } from '../clocks/index.js';
import { childrenOf, placeChain } from '../regions/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import { postingPeriod, storedType, surnameOf } from './posting-rules.js';
import { parseRecipientFile, rowsFingerprint, type ImportProblem, type ParsedRow } from './recipient-import.js';
import * as repo from './repository.js';
import { rosterChanged } from './events.js';
import { applyPlans, planChanges, type AppliedVillage, type RosterRow } from './roster-update.js';

export type ImportActor = { type: 'staff'; id: number } | { type: 'system' };

export type ImportOutcome =
  | { kind: 'problems'; problems: ImportProblem[] }
  /** The same list (same bytes, or same content) was imported before and the roster still matches it. */
  | { kind: 'repeat'; previous: repo.RecipientImport; rowCount: number }
  | {
      kind: 'imported';
      importId: number;
      rowCount: number;
      villages: AppliedVillage[];
      /** Villages in the file whose roster already matched. */
      unchangedVillages: string[];
      /** Set when this content had been imported before, but the roster has changed since (so it applied again). */
      seenBefore: repo.RecipientImport | null;
      startsOn: IsoDate;
      endsOn: IsoDate;
    };

export interface ImportRunOptions {
  /** The posting's first day (demo data back-dates postings); default today in China. */
  today?: IsoDate;
  /** "Now" for ID birth-date checks and timestamps; default the clock. */
  now?: Date;
  postingDays?: number;
}

function toRosterRow(r: ParsedRow): RosterRow {
  return {
    villageCode: r.villageCode,
    idHash: r.idHash,
    idHashAlt: r.idHashAlt,
    maskedName: r.maskedName,
    surname: surnameOf(r.name),
    householdSize: r.householdSize,
    monthlyAmountFen: r.monthlyAmountFen,
    type: storedType(r.type),
  };
}

/**
 * Imports a list into `townshipCode` (the caller has checked that the actor may). The clear names
 * and ID numbers exist only in `bytes` and the parser's rows; what is stored is the keyed ID hash,
 * the masked name and the surname.
 */
export async function importRecipientList(deps: Deps, actor: ImportActor, townshipCode: string, bytes: Uint8Array, options: ImportRunOptions = {}): Promise<ImportOutcome> {
  const now = options.now ?? new Date();
  const chain = await placeChain(deps.db, townshipCode);
  if (!chain.township || chain.township.code !== townshipCode || !chain.county) throw new Error(`not a township: ${townshipCode}`);
  const countyCode = chain.county.code;
  const villages = (await childrenOf(deps.db, townshipCode)).map((v) => ({ code: v.code, name: v.name }));
  const parsed = await parseRecipientFile(bytes, { villages, idHashKey: deps.keys['id-hash'], now });
  if (!parsed.ok) return { kind: 'problems', problems: parsed.problems };

  const rows = parsed.rows.map(toRosterRow);
  const contentFingerprint = rowsFingerprint(parsed.rows);
  const today = options.today ?? todayInChina(now);
  const period = postingPeriod(today, options.postingDays ?? deps.config.postingDays);
  const at = now.getTime();
  const auditActor: Actor = actor.type === 'staff' ? { type: 'staff', id: actor.id } : { type: 'system' };

  const outcome = await withTransaction(deps.db, async (tx): Promise<ImportOutcome> => {
    const earlier = (await repo.findEarlierImport(tx, townshipCode, parsed.fingerprint, contentFingerprint)) ?? null;
    const plans = planChanges(rows, await repo.recipientsOfVillages(tx, [...new Set(rows.map((r) => r.villageCode))]));
    const changes = plans.reduce((n, p) => n + p.changes.length, 0);
    // Rows still without both profiles' hashes (issue 23) get them even from a list seen before.
    const rehashes = plans.reduce((n, p) => n + p.rehash.length, 0);
    if (earlier && changes === 0 && rehashes === 0) {
      await record(tx, deps.keys['audit-mac'], { actor: auditActor, action: 'disclosure.import', object: { type: 'recipient_import', id: earlier.id }, result: 'repeat', detail: { township: townshipCode, rows: rows.length } });
      return { kind: 'repeat', previous: earlier, rowCount: rows.length };
    }
    const imp = await repo.insertImport(tx, {
      townshipCode,
      uploadedBy: actor.type === 'staff' ? actor.id : 0,
      uploadedAt: at,
      fingerprint: parsed.fingerprint,
      rowsFingerprint: contentFingerprint,
      rowCount: rows.length,
    });
    const applied = await applyPlans(tx, plans, { importId: imp.id, townshipCode, countyCode, period, today, now: at });
    // Each new posting is cross-checked against the near-relative declarations (issue 7) by the
    // cross-checks, which listen for roster changes (events.ts).
    await rosterChanged({ db: tx, keys: deps.keys }, applied.map((a) => a.villageCode), at);
    const sum = (k: 'added' | 'changed' | 'removed') => applied.reduce((n, v) => n + v[k], 0);
    await record(tx, deps.keys['audit-mac'], {
      actor: auditActor,
      action: 'disclosure.import',
      object: { type: 'recipient_import', id: imp.id },
      detail: { township: townshipCode, rows: rows.length, postings: applied.map((a) => a.postingId), added: sum('added'), changed: sum('changed'), removed: sum('removed') },
    }, at);
    return {
      kind: 'imported',
      importId: imp.id,
      rowCount: rows.length,
      villages: applied,
      unchangedVillages: plans.filter((p) => p.changes.length === 0).map((p) => p.villageCode),
      seenBefore: earlier,
      startsOn: period.startsOn,
      endsOn: period.endsOn,
    };
  });
  if (outcome.kind === 'imported') deps.publicCache.invalidate();
  return outcome;
}
