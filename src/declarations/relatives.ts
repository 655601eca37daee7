// Adding and removing one declared relative, for a user's own declaration (src/declarations/service.ts)
// and for a non-user declarant the bureau keeps (src/cross-checks/declarants-service.ts). Each
// change, in one transaction: the relative checked (relative-validation.ts) and stored or deleted,
// the declarant's updatedAt moved, the change audited under the caller's action, and the
// listeners told (the cross-checks re-run for the declarant, issue 7; see events.ts).
import { record } from '../audit/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import { declarationsChanged } from './events.js';
import type { IdHashes } from '../disclosure/index.js';
import type { RelativeInput } from './id-hash.js';
import { validateRelative, type Outcome, type RelativeRules } from './relative-validation.js';
import * as repo from './repository.js';
import { isRowId } from '../db/dialect.js';

/** Who changes the declaration, and the audit action the feature records it under. */
export interface RelativeChange {
  actorId: number;
  action: string;
}

/** Checks a relative of `declarant` with the feature's rules and, when valid, adds it. */
export async function addCheckedRelative(
  deps: Pick<Deps, 'db' | 'keys'>,
  declarant: { id: number } & IdHashes,
  input: RelativeInput,
  rules: RelativeRules,
  change: RelativeChange,
  now: number,
): Promise<Outcome<{ id: number }>> {
  const checked = await validateRelative(deps, declarant, input, rules);
  if (!checked.ok) return checked;
  const { relation, assistanceType } = checked.value;
  const row = await withTransaction(deps.db, async (tx) => {
    const inserted = await repo.insertRelative(tx, { declarantId: declarant.id, ...checked.value });
    await repo.updateDeclarant(tx, declarant.id, { updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: change.actorId }, action: change.action, object: { type: 'declared_relative', id: inserted.id }, detail: { declarant: declarant.id, relation, assistanceType } }, now);
    await declarationsChanged({ db: tx, keys: deps.keys }, [declarant.id], now);
    return inserted;
  });
  return { ok: true, value: { id: row.id } };
}

/** Removes a relative of the declarant; false when there is no such relative of theirs. */
export async function removeDeclaredRelative(deps: Pick<Deps, 'db' | 'keys'>, declarantId: number, relativeId: number, change: RelativeChange, now: number): Promise<boolean> {
  if (!isRowId(relativeId)) return false;
  return withTransaction(deps.db, async (tx) => {
    if (!(await repo.deleteRelative(tx, declarantId, relativeId))) return false;
    await repo.updateDeclarant(tx, declarantId, { updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: change.actorId }, action: change.action, object: { type: 'declared_relative', id: relativeId }, detail: { declarant: declarantId } }, now);
    await declarationsChanged({ db: tx, keys: deps.keys }, [declarantId], now);
    return true;
  });
}
