// A declaration list, from upload to tables: parse and validate all of it, check each declarant
// against the declarations already on file, then in one transaction create or update the
// declarants (matched by their ID hash) and make each one's relatives those of the file, record the
// import, audit it and run the cross-checks for the declarants that changed. The file is each
// listed declarant's whole declaration; declarants not in the file are left as they are.
import { record } from '../audit/index.js';
import type { Executor } from '../db/executor.js';
import { idHashesOf, sharesIdHash } from '../disclosure/index.js';
import { relativesOfDeclarants, declarantsWithHashes, deleteRelative, insertDeclarant, insertRelative, updateDeclarant, updateRelative } from '../declarations/index.js';
import type { Region } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { parseDeclarationFile, type DeclProblem, type ParsedDeclarant } from './declaration-file.js';
import * as repo from './repository.js';
import { withTransaction } from '../db/transaction.js';
import { runCrossChecksIn } from './run.js';
import { codesWithin } from './scope.js';
import { villageReader } from './villages.js';

export type DeclImportOutcome =
  | { kind: 'problems'; problems: DeclProblem[] }
  /** The same content was imported by this unit before and nothing differs now. */
  | { kind: 'repeat'; previous: repo.DeclarationImport; rowCount: number; declarants: number }
  | {
      kind: 'imported';
      importId: number;
      rowCount: number;
      created: number;
      updated: number;
      unchanged: number;
      relativesAdded: number;
      relativesRemoved: number;
      flagsCreated: number;
      /** Set when this content had been imported before (and something has changed since). */
      seenBefore: repo.DeclarationImport | null;
    };

export interface DeclImportActor {
  userId: number;
  unitId: number;
}

interface Plan {
  parsed: ParsedDeclarant;
  existing: repo.Declarant | null;
  existingRelatives: repo.DeclaredRelative[];
  changed: boolean;
}

function sameRelative(a: repo.DeclaredRelative, b: ParsedDeclarant['relatives'][number]): boolean {
  return a.name === b.name && a.relation === b.relation && a.villageCode === b.villageCode && a.assistanceType === b.assistanceType && sameHashes(a, b);
}

/**
 * Whether a stored row already carries exactly the file's hashes. A row from before both profiles'
 * hashes were kept (issue 23) differs, so importing its list again stores both: what completes a
 * switch of crypto profile for that list.
 */
function sameHashes(stored: { idHash: string; idHashAlt: string | null }, parsed: { idHash: string; idHashAlt: string }): boolean {
  return stored.idHash === parsed.idHash && stored.idHashAlt === parsed.idHashAlt;
}

/** Groups rows by a key, keeping their order. */
function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Declarants already on file: refused when a portal user (they declare on their profile) or managed elsewhere. */
async function planAgainstFile(db: Executor, region: Region, declarants: readonly ParsedDeclarant[]): Promise<{ plans: Plan[]; problems: DeclProblem[] }> {
  // Matched under both crypto profiles (issue 23): any hash of the file's row equals any stored one.
  const onFile = await declarantsWithHashes(db, declarants.flatMap((d) => [d.idHash, d.idHashAlt]));
  const byHash = new Map<string, repo.Declarant[]>();
  for (const d of onFile) for (const h of idHashesOf(d)) byHash.set(h, [...(byHash.get(h) ?? []), d]);
  const inRegion = await codesWithin(db, onFile.map((d) => d.homeVillageCode), [region.code]);
  const relativesOf = groupBy(await relativesOfDeclarants(db, onFile.map((d) => d.id)), (r) => r.declarantId);
  const plans: Plan[] = [];
  const problems: DeclProblem[] = [];
  for (const parsed of declarants) {
    const same = [...new Set(idHashesOf(parsed).flatMap((h) => byHash.get(h) ?? []))];
    if (same.some((d) => d.userId !== null)) {
      problems.push({ row: parsed.row, column: 'declarantId', message: 'crossChecks.import.declarant_is_user' });
      continue;
    }
    const existing = same.find((d) => inRegion.has(d.homeVillageCode)) ?? null;
    if (!existing && same.length > 0) {
      problems.push({ row: parsed.row, column: 'declarantId', message: 'crossChecks.import.declarant_elsewhere' });
      continue;
    }
    const existingRelatives = existing ? (relativesOf.get(existing.id) ?? []) : [];
    const changed =
      !existing ||
      !sameHashes(existing, parsed) ||
      existing.name !== parsed.name ||
      existing.position !== parsed.position ||
      existing.homeVillageCode !== parsed.villageCode ||
      existingRelatives.length !== parsed.relatives.length ||
      parsed.relatives.some((p) => {
        const r = existingRelatives.find((e) => sharesIdHash(e, p));
        return !r || !sameRelative(r, p);
      });
    plans.push({ parsed, existing, existingRelatives, changed });
  }
  return { plans, problems };
}

/** Imports a list into the user's managed region (the caller has checked that the user manages it). */
export async function importDeclarations(deps: Deps, actor: DeclImportActor, region: Region, bytes: Uint8Array, now = new Date()): Promise<DeclImportOutcome> {
  const parsed = await parseDeclarationFile(bytes, { idHashKey: deps.keys['id-hash'], readVillage: await villageReader(deps.db, region.code), now });
  if (!parsed.ok) return { kind: 'problems', problems: parsed.problems };
  const at = now.getTime();
  const audit = deps.keys['audit-mac'];
  const staff = { type: 'staff', id: actor.userId } as const;

  return withTransaction(deps.db, async (tx): Promise<DeclImportOutcome> => {
    const { plans, problems } = await planAgainstFile(tx, region, parsed.declarants);
    if (problems.length > 0) return { kind: 'problems', problems: problems.sort((a, b) => a.row - b.row) };
    const earlier = (await repo.findEarlierImport(tx, actor.unitId, parsed.fingerprint)) ?? null;
    const changedPlans = plans.filter((p) => p.changed);
    if (earlier && changedPlans.length === 0) {
      await record(tx, audit, { actor: staff, action: 'cross_check.declaration_import', object: { type: 'declaration_import', id: earlier.id }, result: 'repeat', detail: { rows: parsed.rowCount, declarants: plans.length } }, at);
      return { kind: 'repeat', previous: earlier, rowCount: parsed.rowCount, declarants: plans.length };
    }

    let created = 0;
    let updated = 0;
    let relativesAdded = 0;
    let relativesRemoved = 0;
    const touched: number[] = [];
    for (const plan of changedPlans) {
      const d = plan.parsed;
      const fields = { name: d.name, position: d.position, homeVillageCode: d.villageCode, updatedAt: at };
      let id: number;
      if (plan.existing) {
        id = plan.existing.id;
        await updateDeclarant(tx, id, { ...fields, idHash: d.idHash, idHashAlt: d.idHashAlt, unitId: plan.existing.unitId ?? actor.unitId });
        updated += 1;
      } else {
        id = (await insertDeclarant(tx, { ...fields, userId: null, idHash: d.idHash, idHashAlt: d.idHashAlt, unitId: actor.unitId })).id;
        created += 1;
      }
      touched.push(id);
      for (const rel of d.relatives) {
        const old = plan.existingRelatives.find((e) => sharesIdHash(e, rel));
        const values = { name: rel.name, relation: rel.relation, villageCode: rel.villageCode, assistanceType: rel.assistanceType, idHash: rel.idHash, idHashAlt: rel.idHashAlt };
        if (!old) {
          await insertRelative(tx, { declarantId: id, ...values });
          relativesAdded += 1;
        } else if (!sameRelative(old, rel)) await updateRelative(tx, old.id, values);
      }
      for (const old of plan.existingRelatives) {
        if (!d.relatives.some((r) => sharesIdHash(r, old)) && (await deleteRelative(tx, id, old.id))) relativesRemoved += 1;
      }
    }
    const imp = await repo.insertImport(tx, { unitId: actor.unitId, fingerprint: parsed.fingerprint, rowCount: parsed.rowCount, uploadedBy: actor.userId, uploadedAt: at });
    const checks = await runCrossChecksIn(tx, deps.keys, { declarantIds: touched }, at);
    await record(
      tx,
      audit,
      {
        actor: staff,
        action: 'cross_check.declaration_import',
        object: { type: 'declaration_import', id: imp.id },
        // Counts only: no names, ID hashes or villages.
        detail: { rows: parsed.rowCount, created, updated, unchanged: plans.length - changedPlans.length, relativesAdded, relativesRemoved, flags: checks.created, seenBefore: earlier?.id ?? null },
      },
      at,
    );
    return {
      kind: 'imported',
      importId: imp.id,
      rowCount: parsed.rowCount,
      created,
      updated,
      unchanged: plans.length - changedPlans.length,
      relativesAdded,
      relativesRemoved,
      flagsCreated: checks.created,
      seenBefore: earlier,
    };
  });
}
