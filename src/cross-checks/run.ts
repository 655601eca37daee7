// The cross-checks of issue 7 between the roster (recipients) and the near-relative declarations:
//
//   declared            a recipient's ID hash is a declared relative's: the application must carry
//                       the separate registration (近亲属备案) — a reminder, not a wrong;
//   declarant_receives  a recipient's ID hash is a declarant's own: the cadre receives assistance;
//   possible_relative   a recipient in the declarant's home village has the declarant's surname and
//                       is neither the declarant nor one of their declared relatives — check.
//
// Only keyed hashes (idNumberHash) are compared; no ID number is read, stored or logged here. A row
// may carry a hash under each crypto profile (id_hash, id_hash_alt — issue 23): two rows are the
// same person when any hash of one equals any hash of the other, so a switch of profile between a
// declaration and a roster import drops no flag.
// A run recomputes everything about the given villages (recipients living there, declarants whose
// home is there) and the given declarants, then inserts what is new (insert-or-ignore on the
// unique (recipient, declarant, kind) index, so re-running changes nothing), and closes open flags
// that no longer hold (the recipient left the roster, the relative was declared after all) without
// a person or note, which the flags page shows as "closed by re-check". Resolved flags never reopen.
import { record } from '../audit/index.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import type { Db } from '../db/connection.js';
import { declarantsByIds, declarantsOfVillages, declarantsWithHashes, onDeclarationsChanged, relativesOfDeclarants, relativesWithHashes } from '../declarations/index.js';
import { activeRecipientsOfVillages, activeRecipientsWithHashes, idHashesOf, onRosterChanged, sharesIdHash, surnameOf } from '../disclosure/index.js';
import type { Keys } from '../plugins/keys.js';
import * as repo from './repository.js';

export interface CrossCheckTarget {
  /** Villages whose roster changed (after a recipient import or posting). */
  villageCodes?: readonly string[];
  /** Declarants whose declaration changed (after a form change or a declaration import). */
  declarantIds?: readonly number[];
}

export interface CrossCheckResult {
  /** Flags inserted by this run. */
  created: number;
  /** Open flags closed because they no longer hold. */
  closed: number;
}

interface Candidate {
  recipient: repo.Recipient;
  declarantId: number;
  relativeId: number | null;
  kind: repo.FlagKind;
}

const key = (recipientId: number, declarantId: number, kind: string) => `${recipientId}:${declarantId}:${kind}`;

/** Possible undeclared relatives of one declarant among recipients of their home village. */
function possibleRelatives(declarant: repo.Declarant, relatives: readonly repo.DeclaredRelative[], villageRecipients: readonly repo.Recipient[]): Candidate[] {
  const surname = surnameOf(declarant.name);
  if (surname === '') return [];
  const known = new Set([declarant, ...relatives].flatMap(idHashesOf));
  return villageRecipients
    .filter((r) => r.villageCode === declarant.homeVillageCode && r.surname === surname && !idHashesOf(r).some((h) => known.has(h)))
    .map((recipient) => ({ recipient, declarantId: declarant.id, relativeId: null, kind: 'possible_relative' as const }));
}

/** Every flag that should exist for the target, computed from the current tables. */
async function candidates(db: Executor, villageCodes: string[], declarantIds: number[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  // Recipients of the villages, against every declaration (declared and own ID hashes).
  const villageRecipients = await activeRecipientsOfVillages(db, villageCodes);
  const hashes = villageRecipients.flatMap(idHashesOf);
  const byHash = new Map<string, repo.Recipient[]>();
  for (const r of villageRecipients) for (const h of idHashesOf(r)) byHash.set(h, [...(byHash.get(h) ?? []), r]);
  // The recipients sharing any hash with a row (each once, though both its hashes may match).
  const recipientsOf = (row: { idHash: string; idHashAlt: string | null }) => [...new Set(idHashesOf(row).flatMap((h) => byHash.get(h) ?? []))];
  for (const rel of await relativesWithHashes(db, hashes)) {
    for (const recipient of recipientsOf(rel)) out.push({ recipient, declarantId: rel.declarantId, relativeId: rel.id, kind: 'declared' });
  }
  for (const d of await declarantsWithHashes(db, hashes)) {
    for (const recipient of recipientsOf(d)) out.push({ recipient, declarantId: d.id, relativeId: null, kind: 'declarant_receives' });
  }

  // The declarants: those at home in the villages (surname check) and those named.
  const villageDeclarants = await declarantsOfVillages(db, villageCodes);
  const named = await declarantsByIds(db, declarantIds);
  // By declarant, looked up per declarant (a declaration import names thousands).
  const relativesById = new Map<number, repo.DeclaredRelative[]>();
  for (const r of await relativesOfDeclarants(db, [...villageDeclarants, ...named].map((d) => d.id))) {
    const list = relativesById.get(r.declarantId);
    if (list) list.push(r);
    else relativesById.set(r.declarantId, [r]);
  }
  const relativesOf = (id: number) => relativesById.get(id) ?? [];
  for (const d of villageDeclarants) out.push(...possibleRelatives(d, relativesOf(d.id), villageRecipients));

  if (named.length > 0) {
    const own = await activeRecipientsWithHashes(db, [...named.flatMap(idHashesOf), ...named.flatMap((d) => relativesOf(d.id).flatMap(idHashesOf))]);
    const homes = await activeRecipientsOfVillages(db, [...new Set(named.map((d) => d.homeVillageCode))]);
    for (const d of named) {
      const rels = relativesOf(d.id);
      for (const recipient of own) {
        if (sharesIdHash(recipient, d)) out.push({ recipient, declarantId: d.id, relativeId: null, kind: 'declarant_receives' });
        const rel = rels.find((r) => sharesIdHash(r, recipient));
        if (rel) out.push({ recipient, declarantId: d.id, relativeId: rel.id, kind: 'declared' });
      }
      out.push(...possibleRelatives(d, rels, homes));
    }
  }
  return out;
}

/**
 * (Re)computes the flags for villages and/or declarants inside the caller's transaction (`tx`), so
 * the flags change with the data. Idempotent. `now` stamps new and closed flags.
 */
export async function runCrossChecksIn(tx: Executor, keys: Pick<Keys, 'audit-mac'>, target: CrossCheckTarget, now: number | Date = Date.now()): Promise<CrossCheckResult> {
  const at = typeof now === 'number' ? now : now.getTime();
  const villageCodes = [...new Set(target.villageCodes ?? [])];
  const declarantIds = [...new Set(target.declarantIds ?? [])].filter((id) => Number.isSafeInteger(id) && id > 0);
  if (villageCodes.length === 0 && declarantIds.length === 0) return { created: 0, closed: 0 };

  const found = await candidates(tx, villageCodes, declarantIds);
  const wanted = new Set<string>();
  let created = 0;
  for (const c of found) {
    const k = key(c.recipient.id, c.declarantId, c.kind);
    if (wanted.has(k)) continue;
    wanted.add(k);
    const inserted = await repo.insertFlagIfNew(tx, {
      recipientId: c.recipient.id,
      declarantId: c.declarantId,
      relativeId: c.relativeId,
      kind: c.kind,
      villageCode: c.recipient.villageCode,
      countyCode: c.recipient.countyCode,
      status: 'open',
      createdAt: at,
    });
    if (inserted) created += 1;
    else if (c.relativeId !== null) await repo.updateOpenFlagRelative(tx, c.recipient.id, c.declarantId, c.relativeId);
  }
  // What the run covered completely: flags of recipients in the villages, flags of the declarants.
  let closed = 0;
  for (const f of await repo.openFlagsFor(tx, villageCodes, declarantIds)) {
    if (!wanted.has(key(f.recipientId, f.declarantId, f.kind)) && (await repo.resolveFlagRow(tx, f.id, { actionNote: null, resolvedBy: null, resolvedAt: at }))) closed += 1;
  }
  if (created + closed > 0) {
    await record(tx, keys['audit-mac'], {
      actor: { type: 'system' },
      action: 'cross_check.run',
      object: { type: 'cross_check', id: 'run' },
      // Counts only: no names, villages of persons or hashes.
      detail: { villages: villageCodes.length, declarants: declarantIds.length, created, closed },
    }, at);
  }
  return { created, closed };
}

/** (Re)computes the flags for villages and/or declarants in a transaction of its own. */
export async function runCrossChecks(deps: { db: Db; keys: Pick<Keys, 'audit-mac'> }, target: CrossCheckTarget, now: number | Date = Date.now()): Promise<CrossCheckResult> {
  return withTransaction(deps.db, (tx) => runCrossChecksIn(tx, deps.keys, target, now));
}

// Declarations and rosters announce their changes (an in-process event list each) instead of calling
// the cross-checks, so the dependency runs one way: cross-checks -> declarations, disclosure. The
// listeners run inside the changing transaction (its tx in the context), awaited by the owner.
onDeclarationsChanged(async (ctx, declarantIds, now) => {
  await runCrossChecksIn(ctx.db, ctx.keys, { declarantIds }, now);
});
onRosterChanged(async (ctx, villageCodes, now) => {
  await runCrossChecksIn(ctx.db, ctx.keys, { villageCodes }, now);
});
